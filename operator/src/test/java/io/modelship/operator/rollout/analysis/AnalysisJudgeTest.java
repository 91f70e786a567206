package io.modelship.operator.rollout.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.modelship.api.v1alpha1.report.LatencyBuckets;
import io.modelship.api.v1alpha1.spec.AnalysisSpec;
import io.modelship.api.v1alpha1.status.AnalysisMetric;
import io.modelship.api.v1alpha1.status.Measurement;
import io.modelship.api.v1alpha1.status.Verdict;
import io.modelship.drift.Histogram;
import io.modelship.operator.rollout.plan.RolloutSim;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AnalysisJudgeTest {

  static final Instant NOW = Instant.parse("2026-01-01T10:00:30Z");
  static final Instant FROM = NOW.minusSeconds(30);
  static final SampleMinimums MIN = new SampleMinimums(300, 100);

  static AnalysisSpec spec() {
    var a = new AnalysisSpec();
    a.setMinRequests(100L);
    return a;
  }

  static long[] latencyAt(long requests, Double ms) {
    var counts = new long[LatencyBuckets.COUNT];
    if (ms != null) {
      counts[LatencyBuckets.bucketOf(ms)] = requests;
    }
    return counts;
  }

  static AnalysisWindow window(long requests, long errors, Double p99) {
    return new AnalysisWindow(
        FROM, NOW, requests, errors, latencyAt(requests, p99), 0, 0, null, 0, Optional.empty());
  }

  static AnalysisWindow feedback(long labelled, long correct) {
    return new AnalysisWindow(
        FROM, NOW, 200, 0, latencyAt(200, 5.0), labelled, correct, null, 0, Optional.empty());
  }

  static AnalysisJudge.Judgement judge(
      AnalysisSpec spec, AnalysisWindow canary, AnalysisWindow stable) {
    return AnalysisJudge.judge(
        spec,
        Evidence.of(canary, Optional.ofNullable(stable)),
        MIN,
        "2.0.0",
        "1.0.0",
        List.of(),
        NOW);
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
    assertThat(rate.getWindowStart()).isEqualTo("2026-01-01T10:00:00Z");
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
    assertThat(j.summary())
        .isEqualTo("error rate 0.08 > 0.01, p99 " + RolloutSim.measuredP99(82) + " ms > 50 ms");
  }

  @Test
  void p99IsReadFromTheLatencyBucketsWithinOneBucket() {
    for (double ms : new double[] {0.3, 4.0, 82.0, 1234.0}) {
      assertThat(window(100, 0, ms).latencyP99Ms())
          .as("p99 of traffic at %s ms", ms)
          .isBetween(ms / LatencyBuckets.GROWTH, ms * LatencyBuckets.GROWTH);
    }
    long[] mixed = latencyAt(990, 2.0);
    mixed[LatencyBuckets.bucketOf(200.0)] = 10;
    assertThat(LatencyBuckets.quantile(mixed, 0.99))
        .as("the 990th of 1000 is still in the fast bucket")
        .isLessThan(2.5);
    assertThat(LatencyBuckets.quantile(mixed, 0.995)).isBetween(160.0, 250.0);
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
    assertThat(only(j, AnalysisMetric.latencyP99Ratio).getValue()).isCloseTo(3.0, within(0.75));
    assertThat(j.summary())
        .contains("error rate 0.01 above stable > 0.005")
        .contains("× stable > 1.5×");

    var ok = judge(spec, window(1000, 12, 12.0), window(1000, 10, 10.0));
    assertThat(ok.verdict()).isEqualTo(Verdict.Pass);
  }

  @Test
  void predictionShiftIsThePsiOfPredictedClassesAgainstStable() {
    var spec = spec();
    spec.setMaxPredictionShift(0.2);
    var canary =
        new AnalysisWindow(
            FROM,
            NOW,
            200,
            0,
            latencyAt(200, 5.0),
            0,
            0,
            null,
            0,
            Optional.of(Histogram.of(160, 40)));
    var stable =
        new AnalysisWindow(
            FROM,
            NOW,
            200,
            0,
            latencyAt(200, 5.0),
            0,
            0,
            null,
            0,
            Optional.of(Histogram.of(100, 100)));
    var j = judge(spec, canary, stable);
    // (0.8 - 0.5) ln(0.8/0.5) + (0.2 - 0.5) ln(0.2/0.5) = 0.141 + 0.2749 = 0.415888
    assertThat(only(j, AnalysisMetric.predictionShift).getValue()).isEqualTo(0.415888);
    assertThat(j.verdict()).isEqualTo(Verdict.Fail);
  }

  static Stream<Arguments> sampleMinimums() {
    return Stream.of(
        // canary labelled/correct, stable labelled/correct, verdict, summary
        Arguments.of(
            6,
            5,
            600,
            570,
            Verdict.Inconclusive,
            "waiting for labelled feedback: 6 of 100 on 2.0.0"),
        Arguments.of(
            150,
            135,
            60,
            57,
            Verdict.Inconclusive,
            "waiting for labelled feedback: 60 of 100 on 1.0.0"),
        Arguments.of(100, 90, 100, 95, Verdict.Fail, "accuracy 0.05 below stable > 0.02"),
        Arguments.of(100, 95, 100, 95, Verdict.Pass, "passed 1 checks"),
        Arguments.of(0, 0, 0, 0, Verdict.Pass, "passed 0 checks"));
  }

  @ParameterizedTest(name = "{0}/{1} vs {2}/{3} labels: {4}")
  @MethodSource("sampleMinimums")
  void accuracyBelowItsMinimumWaitsSayingForWhat(
      long labelled,
      long correct,
      long stableLabelled,
      long stableCorrect,
      Verdict verdict,
      String summary) {
    var spec = spec();
    spec.setMaxAccuracyDrop(0.02);
    var j = judge(spec, feedback(labelled, correct), feedback(stableLabelled, stableCorrect));
    assertThat(j.verdict()).isEqualTo(verdict);
    assertThat(j.summary()).isEqualTo(summary);
  }

  @Test
  void driftBelowItsMinimumWaitsAndAboveTheLimitFails() {
    var spec = spec();
    spec.setMaxDriftScore(0.25);
    var few =
        judge(
            spec,
            new AnalysisWindow(
                FROM, NOW, 200, 0, latencyAt(200, 5.0), 0, 0, 0.9, 120, Optional.empty()),
            null);
    assertThat(few.verdict())
        .as("a wild score on 120 rows is noise")
        .isEqualTo(Verdict.Inconclusive);
    assertThat(few.summary()).isEqualTo("waiting for drift samples: 120 of 300 on 2.0.0");
    var j =
        judge(
            spec,
            new AnalysisWindow(
                FROM, NOW, 200, 0, latencyAt(200, 5.0), 0, 0, 0.41, 500, Optional.empty()),
            null);
    assertThat(j.summary()).isEqualTo("drift score 0.41 > 0.25");
    assertThat(only(j, AnalysisMetric.driftScore).getSamples()).isEqualTo(500);
  }

  @Test
  void eachMeasurementRecordsTheWindowItUsed() {
    var spec = spec();
    spec.setMaxErrorRate(0.01);
    spec.setMaxAccuracyDrop(0.02);
    Instant wide = NOW.minusSeconds(120);
    var interval = window(200, 0, 5.0);
    var widened =
        new AnalysisWindow(
            wide, NOW, 800, 0, latencyAt(800, 5.0), 120, 114, null, 0, Optional.empty());
    var stableWide =
        new AnalysisWindow(
            wide, NOW, 8000, 0, latencyAt(8000, 5.0), 1200, 1140, null, 0, Optional.empty());
    var e =
        new Evidence(
            interval,
            Optional.of(window(2000, 0, 5.0)),
            interval,
            interval,
            Optional.empty(),
            widened,
            Optional.of(stableWide));
    var j = AnalysisJudge.judge(spec, e, MIN, "2.0.0", "1.0.0", List.of(), NOW);
    assertThat(j.verdict()).isEqualTo(Verdict.Pass);
    assertThat(only(j, AnalysisMetric.errorRate).getWindow()).isEqualTo("30s");
    assertThat(only(j, AnalysisMetric.accuracyDrop).getWindow()).isEqualTo("2m");
    assertThat(only(j, AnalysisMetric.accuracyDrop).getWindowStart())
        .isEqualTo("2026-01-01T09:58:30Z");
    assertThat(only(j, AnalysisMetric.accuracyDrop).getSamples()).isEqualTo(120);
  }

  @Test
  void readinessProblemsFailAtOnce() {
    var j =
        AnalysisJudge.judge(
            spec(),
            Evidence.of(window(0, 0, null), Optional.empty()),
            MIN,
            "2.0.0",
            "1.0.0",
            List.of("model load failed"),
            NOW);
    assertThat(j.verdict()).isEqualTo(Verdict.Fail);
    assertThat(j.immediate()).isTrue();
    assertThat(j.summary()).contains("model load failed");
  }
}
