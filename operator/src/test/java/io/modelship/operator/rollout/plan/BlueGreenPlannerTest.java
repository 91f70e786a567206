package io.modelship.operator.rollout.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelship.api.v1alpha1.status.Phase;
import io.modelship.api.v1alpha1.status.RolloutOutcome;
import io.modelship.operator.rollout.plan.RolloutTransition.Kind;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class BlueGreenPlannerTest {

  @Test
  void previewComesUpBehindThePreviewServiceWhileTheMainOneKeepsStable() {
    var sim = RolloutSim.blueGreen(null, 30, 1);
    var plan = sim.reconcile();
    assertThat(plan.traffic().serviceVersion()).isEqualTo("1.0.0");
    assertThat(plan.traffic().previewVersion()).isEqualTo("2.0.0");
    assertThat(sim.replicasOf("2.0.0")).isEqualTo(1);
    assertThat(sim.replicasOf("1.0.0")).isEqualTo(4);
    plan = sim.reconcile();
    assertThat(plan.phase()).as("ready preview waits for a promote").isEqualTo(Phase.Paused);
    assertThat(plan.message()).contains("waiting for promotion");
    assertThat(sim.status.getActiveVersion()).isEqualTo("1.0.0");
    assertThat(sim.status.getPreviewVersion()).isEqualTo("2.0.0");
  }

  @Test
  void switchesOnlyOnceTheNewVersionIsReadyAtFullSizeAndKeepsTheOldForTheDelay() {
    var sim = RolloutSim.blueGreen(60, 30, 1);
    sim.settle();
    sim.advance(Duration.ofSeconds(59));
    assertThat(sim.reconcile().traffic().serviceVersion()).isEqualTo("1.0.0");
    sim.held.add("2.0.0");
    sim.advance(Duration.ofSeconds(1));
    var plan = sim.reconcile();
    assertThat(sim.replicasOf("2.0.0")).as("scaled to full size before the switch").isEqualTo(4);
    plan = sim.reconcile();
    assertThat(plan.traffic().serviceVersion())
        .as("not ready at full size: no switch")
        .isEqualTo("1.0.0");
    assertThat(plan.message()).contains("0/4 pods ready before the switch");

    sim.held.clear();
    sim.reconcile();
    plan = sim.reconcile();
    assertThat(plan.traffic().serviceVersion()).isEqualTo("2.0.0");
    assertThat(sim.kinds()).contains(Kind.SWITCHED);
    assertThat(plan.targets()).extracting(VersionTarget::version).contains("1.0.0", "2.0.0");
    assertThat(plan.message()).contains("1.0.0 kept for 30s");

    sim.advance(Duration.ofSeconds(29));
    assertThat(sim.reconcile().targets()).extracting(VersionTarget::version).contains("1.0.0");
    sim.advance(Duration.ofSeconds(1));
    plan = sim.reconcile();
    assertThat(plan.targets()).extracting(VersionTarget::version).containsExactly("2.0.0");
    assertThat(plan.stableVersion()).isEqualTo("2.0.0");
    assertThat(plan.phase()).isEqualTo(Phase.Healthy);
    assertThat(sim.history)
        .last()
        .extracting(r -> r.getOutcome())
        .isEqualTo(RolloutOutcome.Promoted);
  }

  @Test
  void promoteSwitchesNowAndAbortGoesBack() {
    var sim = RolloutSim.blueGreen(null, 0, null);
    sim.settle();
    sim.annotations.put(ManualControl.PROMOTE, "now");
    var plan = sim.settle();
    assertThat(plan.stableVersion()).isEqualTo("2.0.0");

    var aborted = RolloutSim.blueGreen(null, 30, null);
    aborted.settle();
    aborted.annotations.put(ManualControl.ABORT, "stop");
    plan = aborted.reconcile();
    assertThat(plan.phase()).isEqualTo(Phase.Degraded);
    assertThat(plan.traffic().previewVersion()).isNull();
    assertThat(plan.targets()).extracting(VersionTarget::version).containsExactly("1.0.0");
  }

  @Test
  void aFailingPreviewIsRolledBackBeforeTheSwitch() {
    var sim = RolloutSim.blueGreen(60, 30, 1).analysis(10, 1, 0.01, null);
    sim.settle();
    sim.advance(java.time.Duration.ofSeconds(30))
        .traffic("2.0.0", 100, 10, 5)
        .traffic("1.0.0", 100, 0, 5);
    var plan = sim.reconcile();
    assertThat(plan.phase()).isEqualTo(Phase.Degraded);
    assertThat(sim.status.getAbortReason())
        .isEqualTo(
            "rolled back 2.0.0 → 1.0.0 before the switch: error rate 0.1 > 0.01 (1 of 1 failed)");
    assertThat(plan.traffic().serviceVersion()).isEqualTo("1.0.0");
    assertThat(plan.traffic().previewVersion()).isNull();
  }

  @Test
  void autoPromotionWaitsForAPassingJudgement() {
    var sim = RolloutSim.blueGreen(30, 0, null).analysis(100, 1, 0.01, null);
    sim.settle();
    sim.advance(java.time.Duration.ofSeconds(30)).traffic("2.0.0", 5, 0, 5);
    var plan = sim.reconcile();
    assertThat(plan.traffic().serviceVersion())
        .as("inconclusive: no auto-promotion")
        .isEqualTo("1.0.0");
    assertThat(plan.message()).contains("waiting for traffic: 5 of 100 requests in 30s");
    sim.advance(java.time.Duration.ofSeconds(30)).traffic("2.0.0", 200, 0, 5);
    sim.settle();
    assertThat(sim.last.stableVersion()).isEqualTo("2.0.0");
  }

  @Test
  void aPreviewThatNeverGetsReadyFailsAtTheDeadline() {
    var sim = RolloutSim.blueGreen(null, 30, null);
    sim.spec.setProgressDeadlineSeconds(60);
    sim.held.add("2.0.0");
    sim.reconcile();
    sim.advance(java.time.Duration.ofSeconds(61));
    var plan = sim.reconcile();
    assertThat(plan.phase()).isEqualTo(Phase.Degraded);
    assertThat(sim.status.getAbortReason())
        .contains("no progress for 1m")
        .contains("0/4 pods ready");
    assertThat(sim.transitions)
        .last()
        .extracting(RolloutTransition::reason)
        .isEqualTo(RolloutTransition.Reason.PROGRESS_DEADLINE);
  }
}
