package io.modelship.operator.rollout.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.modelship.api.v1alpha1.status.Phase;
import io.modelship.api.v1alpha1.status.RolloutOutcome;
import io.modelship.api.v1alpha1.status.RolloutStatus;
import io.modelship.operator.rollout.plan.RolloutTransition.Kind;
import io.modelship.operator.rollout.traffic.VersionObservation;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
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

  @Test
  void anOperatorRestartedOnAPreviewReadyStatusOfTheEarlierShapeAutoPromotesOnTime() {
    // Written by an operator before previewReadyAt: the preview was ready at 10:00:10
    // (pauseStartedAt), auto-promotion is due 60 s later.
    var sim =
        restartedOn(
            60,
            "\"pauseStartedAt\":\"2026-01-01T10:00:10Z\",\"desiredWeight\":0,"
                + "\"stepStartedAt\":\"2026-01-01T10:00:00Z\"");
    sim.now = Instant.parse("2026-01-01T10:01:00Z");
    var plan = sim.reconcile();
    assertThat(plan.phase()).as("50 s after readiness: still waiting").isEqualTo(Phase.Paused);
    assertThat(plan.message()).contains("auto-promotion in 10s");
    assertThat(sim.status.getPreviewReadyAt()).isEqualTo("2026-01-01T10:00:10Z");
    assertThat(sim.status.getPauseStartedAt()).isNull();

    sim.advance(Duration.ofSeconds(10));
    sim.reconcile();
    assertThat(sim.replicasOf("2.0.0")).as("promoted: scaled to full size").isEqualTo(4);
    assertThat(sim.status.getPromotionDecidedAt()).isEqualTo("2026-01-01T10:01:10Z");
    assertThat(sim.settle().traffic().serviceVersion()).isEqualTo("2.0.0");
  }

  @Test
  void anOperatorRestartedOnAPromotionDecidedStatusOfTheEarlierShapeSwitchesWithoutAsking() {
    // Written by an operator before promotionDecidedAt: desiredWeight 100 was the decision, made
    // at stepStartedAt; no auto-promotion is set, so only that decision can bring the switch.
    var sim =
        restartedOn(
            null,
            "\"pauseStartedAt\":\"2026-01-01T10:00:10Z\",\"desiredWeight\":100,"
                + "\"stepStartedAt\":\"2026-01-01T10:00:30Z\"");
    sim.now = Instant.parse("2026-01-01T10:00:40Z");
    sim.held.add("2.0.0");
    var plan = sim.reconcile();
    assertThat(plan.message()).contains("pods ready before the switch");
    assertThat(sim.replicasOf("2.0.0"))
        .as("kept at full size, not back to the preview's")
        .isEqualTo(4);
    assertThat(sim.status.getPromotionDecidedAt()).isEqualTo("2026-01-01T10:00:30Z");

    sim.held.clear();
    sim.reconcile();
    assertThat(sim.reconcile().traffic().serviceVersion()).isEqualTo("2.0.0");
    assertThat(sim.kinds()).contains(Kind.SWITCHED);
  }

  /**
   * A simulation resuming a blue-green of 2.0.0 (preview of 1 pod, ready) from a status an earlier
   * operator wrote, with {@code fields} added to it.
   */
  private static RolloutSim restartedOn(Integer autoPromotionSeconds, String fields) {
    var sim = RolloutSim.blueGreen(autoPromotionSeconds, 30, 1);
    String json =
        """
        {"strategy":"BlueGreen","version":"2.0.0","fromVersion":"1.0.0",
         "startedAt":"2026-01-01T10:00:00Z","actualWeight":0,
         "activeVersion":"1.0.0","previewVersion":"2.0.0","handledTokens":{},
         "analysis":{"passed":0,"failed":0,"inconclusive":0,"windowStartedAt":"2026-01-01T10:00:00Z"},
        """
            + fields
            + "}";
    sim.status = new KubernetesSerialization().unmarshal(json, RolloutStatus.class);
    sim.observed =
        new java.util.HashMap<>(
            Map.of(
                "1.0.0", new VersionObservation("1.0.0", 4, 4, 4),
                "2.0.0", new VersionObservation("2.0.0", 1, 1, 1)));
    return sim;
  }
}
