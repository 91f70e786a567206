package io.modelship.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class DriftReportTest {

  private final ReferenceBins halves = new ReferenceBins(new double[] {0}, new double[] {0.5, 0.5});
  private final ReferenceBins labels = ReferenceBins.ofCategories(new double[] {0.5, 0.5});
  private final List<String> names = List.of("sepal", "petal");
  private final List<ReferenceBins> references = List.of(halves, halves);

  @Test
  void scoreIsTheWorstFeature() {
    // petal observed 1 / 3 against 0.5 / 0.5: PSI = 0.25 ln 3 = 0.2747 (see PsiTest), KS = 0.25
    var report =
        DriftReport.score(
            names,
            references,
            List.of(Histogram.of(2, 2), Histogram.of(1, 3)),
            labels,
            Histogram.of(2, 2),
            DriftThresholds.DEFAULT);

    assertThat(report.score()).isCloseTo(0.25 * Math.log(3), within(1e-12));
    assertThat(report.status()).isEqualTo(DriftStatus.Alert);
    assertThat(report.samples()).isEqualTo(4);
    assertThat(report.features()).extracting(FeatureDrift::name).containsExactly("sepal", "petal");
    assertThat(report.features())
        .extracting(FeatureDrift::status)
        .containsExactly(DriftStatus.Normal, DriftStatus.Alert);
    assertThat(report.features().get(1).ks()).isEqualTo(0.25);
    assertThat(report.prediction())
        .isEqualTo(new FeatureDrift("prediction", 0, 0, DriftStatus.Normal));
  }

  @Test
  void theChosenStatisticDecidesStatusAndScore() {
    // both observed 7 / 13 against 0.5 / 0.5, i.e. 0.35 / 0.65:
    // PSI = -0.15 ln 0.7 + 0.15 ln 1.3 = 0.09286 (Normal), KS = |0.5 - 0.35| = 0.15 (Warning)
    var observed = List.of(Histogram.of(7, 13), Histogram.of(7, 13));
    var byPsi =
        DriftReport.score(
            names,
            references,
            observed,
            labels,
            Histogram.of(7, 13),
            DriftThresholds.DEFAULT,
            DriftStatistic.PSI);
    var byKs =
        DriftReport.score(
            names,
            references,
            observed,
            labels,
            Histogram.of(7, 13),
            DriftThresholds.DEFAULT,
            DriftStatistic.KS);

    assertThat(byPsi.score())
        .isCloseTo(-0.15 * Math.log(0.7) + 0.15 * Math.log(1.3), within(1e-12));
    assertThat(byPsi.status()).isEqualTo(DriftStatus.Normal);
    assertThat(byKs.score()).isCloseTo(0.15, within(1e-12));
    assertThat(byKs.status()).isEqualTo(DriftStatus.Warning);
    assertThat(byKs.features()).extracting(FeatureDrift::status).containsOnly(DriftStatus.Warning);
    assertThat(DriftStatistic.parse("KS")).isEqualTo(DriftStatistic.KS);
  }

  @Test
  void predictionDriftCountsTowardsTheScore() {
    var report =
        DriftReport.score(
            names,
            references,
            List.of(Histogram.of(2, 2), Histogram.of(2, 2)),
            labels,
            Histogram.of(1, 3),
            DriftThresholds.DEFAULT);

    assertThat(report.score()).isCloseTo(0.25 * Math.log(3), within(1e-12));
    assertThat(report.status()).isEqualTo(DriftStatus.Alert);
    assertThat(report.prediction().status()).isEqualTo(DriftStatus.Alert);
    assertThat(report.features()).extracting(FeatureDrift::status).containsOnly(DriftStatus.Normal);
  }

  @Test
  void noSamplesIsNormalWithScoreZero() {
    var report =
        DriftReport.score(
            names,
            references,
            List.of(Histogram.empty(2), Histogram.empty(2)),
            labels,
            Histogram.empty(2),
            DriftThresholds.DEFAULT);

    assertThat(report.score()).isZero();
    assertThat(report.status()).isEqualTo(DriftStatus.Normal);
    assertThat(report.samples()).isZero();
    assertThat(report.features())
        .allSatisfy(
            drift -> {
              assertThat(drift.psi()).isZero();
              assertThat(drift.ks()).isZero();
              assertThat(drift.status()).isEqualTo(DriftStatus.Normal);
            });
  }

  @Test
  void listsMustLineUp() {
    assertThatThrownBy(
            () ->
                DriftReport.score(
                    names,
                    List.of(halves),
                    List.of(Histogram.empty(2)),
                    labels,
                    Histogram.empty(2),
                    DriftThresholds.DEFAULT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("2 names, 1 references and 1 histograms");
  }

  @Test
  void everyHistogramMustCountTheSameRows() {
    assertThatThrownBy(
            () ->
                DriftReport.score(
                    names,
                    references,
                    List.of(Histogram.of(2, 2), Histogram.of(1, 1)),
                    labels,
                    Histogram.of(2, 2),
                    DriftThresholds.DEFAULT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("feature petal counts 2 rows but the predictions count 4");
  }
}
