package io.modelship.local.pods;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ProbeBuilder;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ReadinessTest {

  /** The operator's readiness probe: /ready every 5 s, 1 s to answer, out after 3 failures. */
  private static final Readiness.Spec OPERATORS =
      Readiness.Spec.of(
          new ProbeBuilder()
              .withNewHttpGet()
              .withPath("/ready")
              .endHttpGet()
              .withPeriodSeconds(5)
              .withTimeoutSeconds(1)
              .withSuccessThreshold(1)
              .withFailureThreshold(3)
              .build());

  private static final Instant T0 = Instant.parse("2026-12-02T00:00:00Z");

  @Test
  void aBusyPodThatMissesOneProbeStaysInItsServices() {
    Readiness r = new Readiness(OPERATORS);
    assertThat(r.record(T0, true)).isTrue();
    assertThat(r.record(T0.plusSeconds(5), false)).as("one slow answer").isTrue();
    assertThat(r.record(T0.plusSeconds(10), false)).as("two").isTrue();
    assertThat(r.record(T0.plusSeconds(15), true)).isTrue();
    assertThat(r.record(T0.plusSeconds(20), false)).as("the count started over").isTrue();
  }

  @Test
  void aPodFailingThreeProbesInARowLeavesItsServicesAndComesBackOnASuccess() {
    Readiness r = new Readiness(OPERATORS);
    r.record(T0, true);
    r.record(T0.plusSeconds(5), false);
    r.record(T0.plusSeconds(10), false);
    assertThat(r.record(T0.plusSeconds(15), false)).isFalse();
    assertThat(r.record(T0.plusSeconds(20), true)).isTrue();
  }

  @Test
  void aStartingPodIsProbedOnEveryPassAndAReadyOneOncePerPeriod() {
    Readiness r = new Readiness(OPERATORS);
    assertThat(r.due(T0)).isTrue();
    r.record(T0, false);
    assertThat(r.due(T0.plusMillis(500))).as("not ready yet: probe again at once").isTrue();
    assertThat(r.record(T0.plusMillis(500), false))
        .as("failures before the first readiness do not count")
        .isFalse();
    r.record(T0.plusSeconds(1), true);
    assertThat(r.due(T0.plusSeconds(3))).isFalse();
    assertThat(r.due(T0.plusSeconds(6))).isTrue();
  }

  @Test
  void aStoppedPodIsNotReadyAtOnceAndStartsOver() {
    Readiness r = new Readiness(OPERATORS);
    r.record(T0, true);
    r.reset();
    assertThat(r.ready()).isFalse();
    assertThat(r.due(T0.plusMillis(100))).isTrue();
  }

  @Test
  void aTemplateWithoutAProbeGetsKubernetesDefaults() {
    assertThat(Readiness.Spec.of(null))
        .isEqualTo(new Readiness.Spec(Duration.ofSeconds(10), Duration.ofSeconds(1), 1, 3));
    assertThat(
            Readiness.Spec.of(new ProbeBuilder().withSuccessThreshold(2).build())
                .successThreshold())
        .isEqualTo(2);
  }
}
