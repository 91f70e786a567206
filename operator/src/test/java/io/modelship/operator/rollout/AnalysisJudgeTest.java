package io.modelship.operator.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelship.api.v1alpha1.spec.AnalysisSpec;
import io.modelship.api.v1alpha1.status.AnalysisMetric;
import io.modelship.api.v1alpha1.status.Measurement;
import io.modelship.api.v1alpha1.status.Verdict;
import io.modelship.drift.Histogram;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AnalysisJudgeTest {

  static final Instant NOW = Instant.parse("2026-01-01T10:00:30Z");
  static final Duration WINDOW = Duration.ofSeconds(30);

  static AnalysisSpec spec() {
    var a = new AnalysisSpec();
    a.setMinRequests(100L);
    return a;
  }

  static AnalysisWindow window(long requests, long errors, Double p99) {
    return new AnalysisWindow(requests, errors, p99, 0, 0, null, 0, Optional.empty());
  }

  static AnalysisJudge.Judgement judge(AnalysisSpec spec, AnalysisWindow canary, AnalysisWindow stable) {
    return AnalysisJudge.judge(spec, canary, Optional.ofNullable(stable), List.of(), WINDOW, NOW);
  }

  static Measurement only(AnalysisJudge.Judgement j, AnalysisMetric metric) {
    return j.measurements().stream().filter(m -> m.getMetric() == metric).findFirst().orElseThrow();
  }

  @Test
  void passesWithinEveryLimit() {
    var spec = spec();
    spec.setMaxErrorRate(0.01);
    spec.setMaxLatencyP99Ms(50.0);
    var j = judge(spec, window(412, 2, 31.0), null);
    assertThat(j.verdict()).isEqualTo(Verdict.Pass);
    Measurement rate = only(j, AnalysisMetric.errorRate);
    assertThat(rate.getValue()).isEqualTo(0.004854);
    assertThat(rate.getThreshold()).isEqualTo(0.01);
    assertThat(rate.getSamples()).isEqualTo(412);
    assertThat(rate.getWindow()).isEqualTo("30s");
    assertThat(rate.getTime()).isEqualTo("2026-01-01T10:00:30Z");
  }

  @Test
  void failsNamingTheValues() {
    var spec = spec();
    spec.setMaxErrorRate(0.01);
    spec.setMaxLatencyP99Ms(50.0);
    var j = judge(spec, window(200, 16, 82.0), null);
    assertThat(j.verdict()).isEqualTo(Verdict.Fail);
    assertThat(j.immediate()).isFalse();
    assertThat(j.summary()).isEqualTo("error rate 0.08 > 0.01, p99 82 ms > 50 ms");
  }

  @Test
  void belowMinRequestsEverythingIsInconclusive() {
    var spec = spec();
    spec.setMaxErrorRate(0.01);
    var j = judge(spec, window(12, 12, 500.0), null);
    assertThat(j.verdict()).as("all errors, but too few to judge").isEqualTo(Verdict.Inconclusive);
    assertThat(j.summary()).isEqualTo("waiting for traffic: 12 of 100 requests in 30s");
    assertThat(only(j, AnalysisMetric.errorRate).getVerdict()).isEqualTo(Verdict.Inconclusive);
  }

  @Test
  void relativeLimitsCompareWithTheStableVersionInTheSameInterval() {
    var spec = spec();
    spec.setMaxErrorRateIncrease(0.005);
    spec.setMaxLatencyP99Ratio(1.5);
    var j = judge(spec, window(1000, 20, 30.0), window(1000, 10, 10.0));
    assertThat(j.verdict()).isEqualTo(Verdict.Fail);
    assertThat(only(j, AnalysisMetric.errorRateIncrease).getValue()).isEqualTo(0.01);
    assertThat(only(j, AnalysisMetric.latencyP99Ratio).getValue()).isEqualTo(3.0);
    assertThat(j.summary()).contains("error rate 0.01 above stable > 0.005").contains("p99 3× stable > 1.5×");

    var ok = judge(spec, window(1000, 12, 12.0), window(1000, 10, 10.0));
    assertThat(ok.verdict()).isEqualTo(Verdict.Pass);
  }

  @Test
  void predictionShiftIsThePsiOfPredictedClassesAgainstStable() {
    var spec = spec();
    spec.setMaxPredictionShift(0.2);
    var canary = new AnalysisWindow(200, 0, 5.0, 0, 0, null, 0, Optional.of(Histogram.of(80, 20)));
    var stable = new AnalysisWindow(200, 0, 5.0, 0, 0, null, 0, Optional.of(Histogram.of(50, 50)));
    var j = judge(spec, canary, stable);
    // (0.8 - 0.5) ln(0.8/0.5) + (0.2 - 0.5) ln(0.2/0.5) = 0.141 + 0.2749 = 0.415888
    assertThat(only(j, AnalysisMetric.predictionShift).getValue()).isEqualTo(0.415888);
    assertThat(j.verdict()).isEqualTo(Verdict.Fail);
  }

  @Test
  void accuracyIsJudgedOnlyWithFeedbackOnBothSides() {
    var spec = spec();
    spec.setMaxAccuracyDrop(0.02);
    var noFeedback = judge(spec, window(200, 0, 5.0), window(200, 0, 5.0));
    assertThat(noFeedback.measurements()).isEmpty();
    assertThat(noFeedback.verdict()).isEqualTo(Verdict.Pass);

    var canary = new AnalysisWindow(200, 0, 5.0, 100, 90, null, 0, Optional.empty());
    var stable = new AnalysisWindow(200, 0, 5.0, 100, 95, null, 0, Optional.empty());
    var j = judge(spec, canary, stable);
    assertThat(only(j, AnalysisMetric.accuracyDrop).getValue()).isEqualTo(0.05);
    assertThat(j.verdict()).isEqualTo(Verdict.Fail);
  }

  @Test
  void driftScoreAboveTheLimitFails() {
    var spec = spec();
    spec.setMaxDriftScore(0.25);
    var j = judge(spec, new AnalysisWindow(200, 0, 5.0, 0, 0, 0.41, 500, Optional.empty()), null);
    assertThat(j.summary()).isEqualTo("drift score 0.41 > 0.25");
    assertThat(only(j, AnalysisMetric.driftScore).getSamples()).isEqualTo(500);
  }

  @Test
  void readinessProblemsFailAtOnce() {
    var j = AnalysisJudge.judge(spec(), window(0, 0, null), Optional.empty(), List.of("model load failed"), WINDOW, NOW);
    assertThat(j.verdict()).isEqualTo(Verdict.Fail);
    assertThat(j.immediate()).isTrue();
    assertThat(j.summary()).contains("model load failed");
  }

  @Test
  void windowsDifferenceCumulativeCountersAndSurvivePodRestarts() {
    var start = AnalysisWindow.counters(VersionMetrics.traffic(1000, 10, 5.0));
    assertThat(AnalysisWindow.between(start, VersionMetrics.traffic(1300, 16, 5.0)).requests()).isEqualTo(300);
    assertThat(AnalysisWindow.between(start, VersionMetrics.traffic(1300, 16, 5.0)).errors()).isEqualTo(6);
    assertThat(AnalysisWindow.between(start, VersionMetrics.traffic(40, 1, 5.0)).requests())
        .as("counters went down: pods restarted, the current count is the interval").isEqualTo(40);
  }
}
