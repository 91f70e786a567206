package io.modelship.operator.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.modelship.api.v1alpha1.report.RuntimeReportSpec;
import io.modelship.drift.DriftThresholds;
import io.modelship.drift.Histogram;
import io.modelship.drift.Psi;
import io.modelship.drift.ReferenceBins;
import io.modelship.operator.harness.Reports;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportAggregationTest {

  static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  static final DriftThresholds THRESHOLDS = new DriftThresholds(0.1, 0.25);

  @Test
  void countsAreSummedAndLatencyIsTheWorstPods() {
    var reports =
        Map.of(
            "p1", Reports.report("1", 100, 2, 10, 20, 30, NOW),
            "p2", Reports.report("1", 50, 3, 40, 20, 0, NOW),
            "p3", Reports.report("2", 7, 0, 1, 1, 1, NOW));
    var byVersion = ReportAggregation.byVersion(reports, THRESHOLDS);
    assertThat(byVersion).containsOnlyKeys("1", "2");
    var v1 = byVersion.get("1");
    assertThat(v1.pods()).isEqualTo(2);
    assertThat(v1.requests()).isEqualTo(150);
    assertThat(v1.errors()).isEqualTo(5);
    assertThat(v1.latencyP99Ms()).isEqualTo(45.0);
    assertThat(v1.latencyP50Ms()).isEqualTo(41.0);
    // p1: 60 labelled, 30 correct; p2: 60 labelled, 60 correct.
    assertThat(v1.accuracyLabelled()).isEqualTo(120);
    assertThat(v1.accuracyCorrect()).isEqualTo(90);
    assertThat(v1.accuracy()).hasValue(0.75);
    assertThat(v1.loadedPods()).isEqualTo(2);
    assertThat(byVersion.get("2").requests()).isEqualTo(7);
  }

  @Test
  void histogramsAreMergedBinByBinBeforeScoring() {
    // Pod 1 sees 10/20/30 and pod 2 40/20/0: merged 50/40/30 of 120 rows.
    var reports =
        List.of(
            Reports.report("1", 0, 0, 10, 20, 30, NOW), Reports.report("1", 0, 0, 40, 20, 0, NOW));
    var drift = ReportAggregation.mergedDrift(reports, THRESHOLDS).orElseThrow();
    assertThat(drift.samples()).isEqualTo(120);

    double[] reference = {0.3, 0.4, 0.3};
    double[] observed = {50 / 120.0, 40 / 120.0, 30 / 120.0};
    double expected = 0;
    for (int i = 0; i < 3; i++) {
      expected += (observed[i] - reference[i]) * Math.log(observed[i] / reference[i]);
    }
    var petal =
        drift.features().stream()
            .filter(f -> f.name().equals("petal_length"))
            .findFirst()
            .orElseThrow();
    assertThat(petal.psi()).isCloseTo(expected, within(1e-9));
    // The merged score is not the mean of the per-pod scores.
    var bins = new ReferenceBins(new double[] {1, 2}, reference);
    double meanOfPods =
        (Psi.of(bins, Histogram.of(10, 20, 30)) + Psi.of(bins, Histogram.of(40, 20, 0))) / 2;
    assertThat(petal.psi()).isNotCloseTo(meanOfPods, within(1e-3));
    // Predictions: 30+60 vs 30+0 over two categories with reference 0.5/0.5.
    assertThat(drift.prediction().psi())
        .isCloseTo(
            Psi.of(ReferenceBins.ofCategories(new double[] {0.5, 0.5}), Histogram.of(90, 30)),
            within(1e-12));
  }

  @Test
  void mismatchedBinsAreAProblemNotACrash() {
    var odd = Reports.report("1", 0, 0, 1, 1, 1, NOW);
    odd.getFeatures().get("petal_length").setCounts(List.of(1L, 2L));
    var aggregate =
        ReportAggregation.byVersion(
                Map.of("a", Reports.report("1", 0, 0, 1, 1, 1, NOW), "b", odd), THRESHOLDS)
            .get("1");
    assertThat(aggregate.drift()).isEmpty();
    assertThat(aggregate.driftProblem())
        .hasValueSatisfying(p -> assertThat(p).contains("petal_length"));
  }

  @Test
  void reportsWithoutHistogramsHaveNoDrift() {
    var report = new RuntimeReportSpec();
    report.setVersion("1");
    report.setLoadError("bad package");
    var aggregate = ReportAggregation.byVersion(Map.of("p", report), THRESHOLDS).get("1");
    assertThat(aggregate.drift()).isEmpty();
    assertThat(aggregate.driftProblem()).isEmpty();
    assertThat(aggregate.loadErrors()).containsExactly("p: bad package");
  }
}
