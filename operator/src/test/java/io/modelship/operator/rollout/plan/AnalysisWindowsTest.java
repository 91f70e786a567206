package io.modelship.operator.rollout.plan;

import static io.modelship.operator.rollout.plan.RolloutSim.pause;
import static io.modelship.operator.rollout.plan.RolloutSim.weight;
import static org.assertj.core.api.Assertions.assertThat;

import io.modelship.api.v1alpha1.spec.CanaryStep;
import io.modelship.api.v1alpha1.status.AnalysisMetric;
import io.modelship.api.v1alpha1.status.Measurement;
import io.modelship.api.v1alpha1.status.Phase;
import io.modelship.api.v1alpha1.status.Verdict;
import io.modelship.operator.rollout.analysis.SampleMinimums;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Which traffic each judgement covers, driven through the canary planner with simulated cumulative
 * pod reports fed into a real {@link io.modelship.operator.reports.ReportHistory}.
 */
class AnalysisWindowsTest {

  static final Duration INTERVAL = Duration.ofSeconds(30);

  static RolloutSim accuracySim(CanaryStep... steps) {
    var sim = RolloutSim.canary(steps).analysis(10, 2, 0.05, null);
    sim.spec.getAnalysis().setMaxAccuracyDrop(0.05);
    sim.minimums = new SampleMinimums(300, 100);
    sim.settle();
    return sim;
  }

  /** One interval: 100 requests on each version, canary feedback {@code labels} with 95% right. */
  static RolloutPlan interval(RolloutSim sim, long canaryLabels) {
    sim.advance(INTERVAL)
        .traffic("2.0.0", 100, 0, 5)
        .traffic("1.0.0", 100, 0, 5)
        .feedback("2.0.0", canaryLabels, canaryLabels * 95 / 100)
        .feedback("1.0.0", 400, 380);
    return sim.reconcile();
  }

  static Measurement last(RolloutSim sim, AnalysisMetric metric) {
    return sim.status.getAnalysis().getMeasurements().reversed().stream()
        .filter(m -> m.getMetric() == metric)
        .findFirst()
        .orElseThrow();
  }

  @Test
  void aStatisticBelowItsMinimumWidensItsWindowUntilItHasThem() {
    var sim = accuracySim(weight(50), pause(null));
    var plan = interval(sim, 40);
    assertThat(sim.status.getAnalysis().getLastVerdict()).isEqualTo(Verdict.Inconclusive);
    assertThat(plan.message()).contains("waiting for labelled feedback: 40 of 100 on 2.0.0");
    assertThat(last(sim, AnalysisMetric.accuracyDrop).getWindow()).isEqualTo("30s");

    plan = interval(sim, 40);
    assertThat(plan.message())
        .as("widened over both intervals")
        .contains("waiting for labelled feedback: 80 of 100 on 2.0.0");
    assertThat(last(sim, AnalysisMetric.accuracyDrop).getWindow()).isEqualTo("1m");

    interval(sim, 40);
    Measurement accuracy = last(sim, AnalysisMetric.accuracyDrop);
    assertThat(accuracy.getVerdict()).isEqualTo(Verdict.Pass);
    assertThat(accuracy.getSamples()).isEqualTo(120);
    assertThat(accuracy.getWindow()).isEqualTo("1m30s");
    assertThat(last(sim, AnalysisMetric.errorRate).getWindow())
        .as("error rate stays on the interval")
        .isEqualTo("30s");
    assertThat(last(sim, AnalysisMetric.errorRate).getSamples()).isEqualTo(100);
    assertThat(sim.status.getStepIndex()).as("passed: the pause step is reached").isEqualTo(1);
  }

  @Test
  void aWideningNeverReachesBackBeforeTheStepStarted() {
    var sim = accuracySim(weight(10), weight(50), pause(null));
    interval(sim, 90);
    assertThat(sim.status.getAnalysis().getMessage())
        .isEqualTo("waiting for labelled feedback: 90 of 100 on 2.0.0");
    sim.annotations.put(ManualControl.PROMOTE, "p1");
    sim.reconcile();
    assertThat(sim.status.getStepIndex()).as("promoted by hand to the 50% step").isEqualTo(1);

    interval(sim, 40);
    assertThat(sim.status.getAnalysis().getMessage())
        .as("the 90 labels of step 1 are not this step's")
        .isEqualTo("waiting for labelled feedback: 40 of 100 on 2.0.0");
    interval(sim, 40);
    assertThat(sim.status.getAnalysis().getMessage())
        .isEqualTo("waiting for labelled feedback: 80 of 100 on 2.0.0");
    interval(sim, 40);
    assertThat(sim.status.getAnalysis().getLastVerdict()).isEqualTo(Verdict.Pass);
    assertThat(last(sim, AnalysisMetric.accuracyDrop).getSamples()).isEqualTo(120);
  }

  @Test
  void aPodRestartCountsWhatTheNewProcessServed() {
    var sim = RolloutSim.canary(weight(50), pause(null)).analysis(10, 1, 0.05, null);
    sim.settle();
    sim.advance(INTERVAL).traffic("2.0.0", 5000, 0, 5);
    sim.reconcile();
    assertThat(sim.status.getAnalysis().getLastVerdict()).isEqualTo(Verdict.Pass);
    sim.spec.getAnalysis().setMaxErrorRate(0.01);
    // The pod restarts: its counters go back to zero and it serves 150 requests with 3 errors.
    sim.restart("2.0.0").advance(INTERVAL).traffic("2.0.0", 150, 3, 5);
    sim.reconcile();
    Measurement rate = last(sim, AnalysisMetric.errorRate);
    assertThat(rate.getSamples())
        .as("the new process's requests, not a negative difference")
        .isEqualTo(150);
    assertThat(rate.getValue()).isEqualTo(0.02);
    assertThat(sim.last.phase()).isEqualTo(Phase.Degraded);
  }

  @Test
  void aSlowFirstIntervalFollowedByFastOnesPassesLater() {
    var sim = RolloutSim.canary(weight(50), pause(null)).analysis(10, 2, null, 50.0);
    sim.settle();
    sim.advance(INTERVAL).traffic("2.0.0", 1000, 0, 82);
    sim.reconcile();
    assertThat(sim.status.getAnalysis().getLastVerdict()).isEqualTo(Verdict.Fail);
    sim.advance(INTERVAL).traffic("2.0.0", 100, 0, 5);
    sim.reconcile();
    assertThat(sim.status.getAnalysis().getLastVerdict())
        .as("judged on this interval's 100 fast requests, not on the 1000 slow ones before")
        .isEqualTo(Verdict.Pass);
    assertThat(sim.status.getStepIndex()).isEqualTo(1);
  }

  @Test
  void aFastStartThenASlowIntervalFails() {
    var sim = RolloutSim.canary(weight(50), pause(null)).analysis(10, 1, null, 50.0);
    sim.settle();
    sim.advance(INTERVAL).traffic("2.0.0", 5000, 0, 5);
    sim.reconcile();
    assertThat(sim.status.getAnalysis().getLastVerdict()).isEqualTo(Verdict.Pass);
    sim.status.setStepIndex(0); // judge the same step again
    sim.advance(INTERVAL).traffic("2.0.0", 100, 0, 5).traffic("2.0.0", 40, 0, 82);
    sim.reconcile();
    // Over all 5140 requests 40 slow ones are 0.8%: the lifetime p99 would be fast.
    assertThat(sim.status.getAnalysis().getLastVerdict()).isEqualTo(Verdict.Fail);
    assertThat(sim.last.phase()).isEqualTo(Phase.Degraded);
    assertThat(sim.status.getAbortReason()).contains("ms > 50 ms (1 of 1 failed)");
    assertThat(last(sim, AnalysisMetric.latencyP99Ms).getValue())
        .as("in the slow requests' bucket")
        .isBetween(82 / 1.25, 82 * 1.25);
    assertThat(last(sim, AnalysisMetric.latencyP99Ms).getSamples()).isEqualTo(140);
  }
}
