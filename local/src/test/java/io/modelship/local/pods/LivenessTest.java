package io.modelship.local.pods;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LivenessTest {

  private static final Instant T0 = Instant.parse("2026-12-07T00:00:00Z");

  private static Probe probe(int period, int failures) {
    return new ProbeBuilder()
        .withNewHttpGet()
        .withPath("/health")
        .endHttpGet()
        .withPeriodSeconds(period)
        .withTimeoutSeconds(1)
        .withFailureThreshold(failures)
        .build();
  }

  @Test
  void startupGatesLivenessAndRunsOutAfterPeriodTimesFailures() {
    // The operator's: startup /health 5 s × 60, liveness /health 10 s × 3.
    Liveness l = new Liveness(probe(5, 60), probe(10, 3));
    l.started(T0);
    assertThat(l.hasStarted()).isFalse();
    assertThat(l.livenessDue(T0.plusSeconds(100)))
        .as("no liveness before startup succeeds")
        .isFalse();
    assertThat(l.startupDue(T0)).isTrue();
    assertThat(l.recordStartup(T0.plusSeconds(299), false)).as("within 300 s").isFalse();
    assertThat(l.recordStartup(T0.plusSeconds(300), false)).as("out of time: kill").isTrue();
  }

  @Test
  void livenessKillsAfterFailureThresholdFailuresInARowOncePerPeriod() {
    Liveness l = new Liveness(probe(5, 60), probe(10, 3));
    l.started(T0);
    assertThat(l.recordStartup(T0.plusSeconds(1), true)).isFalse();
    assertThat(l.hasStarted()).isTrue();
    assertThat(l.startupDue(T0.plusSeconds(2))).isFalse();
    assertThat(l.livenessDue(T0.plusSeconds(2))).isTrue();
    assertThat(l.recordLiveness(T0.plusSeconds(2), false)).isFalse();
    assertThat(l.livenessDue(T0.plusSeconds(11))).as("once per period").isFalse();
    assertThat(l.recordLiveness(T0.plusSeconds(12), true))
        .as("a success starts the count over")
        .isFalse();
    assertThat(l.recordLiveness(T0.plusSeconds(22), false)).isFalse();
    assertThat(l.recordLiveness(T0.plusSeconds(32), false)).isFalse();
    assertThat(l.recordLiveness(T0.plusSeconds(42), false)).as("third in a row: kill").isTrue();
    l.started(T0.plusSeconds(50));
    assertThat(l.hasStarted()).as("a restarted container runs its startup probe again").isFalse();
  }

  @Test
  void withoutAStartupProbeAContainerIsStartedAtOnce() {
    Liveness l = new Liveness(null, null);
    l.started(T0);
    assertThat(l.hasStarted()).isTrue();
    assertThat(l.startupDue(T0)).isFalse();
    assertThat(l.livenessDue(T0)).isFalse();
  }
}
