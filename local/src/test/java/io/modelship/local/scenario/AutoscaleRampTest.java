package io.modelship.local.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AutoscaleRampTest {

  static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void raisesUntilScaledOutThenLowersUntilScaledIn() {
    var ramp = new AutoscaleRamp(20, 10, 120, Duration.ofSeconds(30), 1);
    assertThat(ramp.next(T, 1, 1)).isEqualTo(20);
    assertThat(ramp.next(T.plusSeconds(29), 1, 1)).as("held for 30 s").isEqualTo(20);
    assertThat(ramp.next(T.plusSeconds(30), 1, 1)).isEqualTo(30);
    assertThat(ramp.next(T.plusSeconds(60), 1, 1)).isEqualTo(40);
    // the HPA scaled out: the rate holds until the new pod is ready
    assertThat(ramp.next(T.plusSeconds(75), 2, 1)).isEqualTo(40);
    assertThat(ramp.stage()).isEqualTo(AutoscaleRamp.Stage.SCALED_OUT);
    assertThat(ramp.next(T.plusSeconds(80), 2, 2)).isEqualTo(20);
    assertThat(ramp.stage()).isEqualTo(AutoscaleRamp.Stage.LOWERING);
    ramp.next(T.plusSeconds(120), 2, 2);
    assertThat(ramp.stage()).isEqualTo(AutoscaleRamp.Stage.LOWERING);
    ramp.next(T.plusSeconds(130), 1, 2);
    assertThat(ramp.stage())
        .as("done once back at the minimum")
        .isEqualTo(AutoscaleRamp.Stage.DONE);
    assertThat(ramp.peak()).isEqualTo(2);
    assertThat(ramp.peakReady()).isEqualTo(2);
  }

  /** A scale-out undone before its pods were ready ends the ramp but never counts as served. */
  @Test
  void aScaleOutSetBackAtOnceNeverHasItsPodsReady() {
    var ramp = new AutoscaleRamp(10, 20, 50, Duration.ofSeconds(30), 1);
    ramp.next(T, 1, 1);
    ramp.next(T.plusSeconds(40), 2, 1);
    assertThat(ramp.stage()).isEqualTo(AutoscaleRamp.Stage.SCALED_OUT);
    ramp.next(T.plusSeconds(41), 1, 1);
    ramp.next(T.plusSeconds(42), 1, 1);
    assertThat(ramp.stage()).isEqualTo(AutoscaleRamp.Stage.DONE);
    assertThat(ramp.peak()).isEqualTo(2);
    assertThat(ramp.peakReady()).isEqualTo(1);
  }

  @Test
  void neverRaisesBeyondTheHighestRate() {
    var ramp = new AutoscaleRamp(20, 50, 60, Duration.ofSeconds(1), 1);
    ramp.next(T, 1, 1);
    assertThat(ramp.next(T.plusSeconds(1), 1, 1)).isEqualTo(60);
    assertThat(ramp.next(T.plusSeconds(2), 1, 1)).isEqualTo(60);
    assertThat(ramp.stage()).isEqualTo(AutoscaleRamp.Stage.RAISING);
  }

  @Test
  void theCanaryBesideAnAutoscaledStableSide() {
    assertThat(AutoscaleRamp.canaryPods(50, 1)).isEqualTo(1);
    assertThat(AutoscaleRamp.canaryPods(50, 2)).isEqualTo(1);
    assertThat(AutoscaleRamp.canaryPods(50, 3)).isEqualTo(2);
    assertThat(AutoscaleRamp.canaryPods(10, 10)).isEqualTo(1);
    assertThat(AutoscaleRamp.canaryPods(10, 11)).isEqualTo(2);
    assertThat(AutoscaleRamp.canaryPods(0, 3)).isZero();
  }
}
