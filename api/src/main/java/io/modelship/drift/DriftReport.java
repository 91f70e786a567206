package io.modelship.drift;

import java.util.ArrayList;
import java.util.List;

/**
 * Drift of a window of traffic against the package's reference distributions. The runtime scores
 * its own window; the operator scores the histograms it merged from all pods of a version.
 *
 * @param score the largest chosen statistic (PSI by default) over the features and the predictions
 * @param status {@code score} classified by the thresholds
 * @param features drift of each feature, in feature order
 * @param prediction drift of the prediction distribution
 * @param samples number of observed rows the report is based on
 */
public record DriftReport(
    double score,
    DriftStatus status,
    List<FeatureDrift> features,
    FeatureDrift prediction,
    long samples) {

  /** Name under which the prediction distribution is reported. */
  public static final String PREDICTION = "prediction";

  public DriftReport {
    features = List.copyOf(features);
  }

  /**
   * This report without a verdict: the figures stay (for a look), every status becomes {@link
   * DriftStatus#InsufficientData}, when {@link #samples} is below {@code minSamples}.
   */
  public DriftReport withMinSamples(long minSamples) {
    if (samples >= minSamples) {
      return this;
    }
    return new DriftReport(
        score,
        DriftStatus.InsufficientData,
        features.stream().map(FeatureDrift::insufficient).toList(),
        prediction.insufficient(),
        samples);
  }

  /** Whether the report carries a verdict (enough samples). */
  public boolean sufficient() {
    return status != DriftStatus.InsufficientData;
  }

  /**
   * Scores observed histograms against their references. Every histogram must count the same rows;
   * with no rows at all the report is Normal with score 0.
   *
   * @param names feature names, in the order of the other lists
   * @param references reference bins of each feature
   * @param observed observed counts of each feature over its reference bins
   * @param predictionReference reference bins of the predictions, e.g. {@link
   *     ReferenceBins#ofCategories}
   * @param predictions observed counts of the predictions
   * @param thresholds PSI levels for Warning and Alert
   */
  public static DriftReport score(
      List<String> names,
      List<ReferenceBins> references,
      List<Histogram> observed,
      ReferenceBins predictionReference,
      Histogram predictions,
      DriftThresholds thresholds) {
    return score(
        names,
        references,
        observed,
        predictionReference,
        predictions,
        thresholds,
        DriftStatistic.PSI);
  }

  /** As above, with {@code statistic} (PSI or KS) deciding the statuses and the overall score. */
  public static DriftReport score(
      List<String> names,
      List<ReferenceBins> references,
      List<Histogram> observed,
      ReferenceBins predictionReference,
      Histogram predictions,
      DriftThresholds thresholds,
      DriftStatistic statistic) {
    if (names.size() != references.size() || names.size() != observed.size()) {
      throw new IllegalArgumentException(
          "need one reference and one histogram per feature, got "
              + names.size()
              + " names, "
              + references.size()
              + " references and "
              + observed.size()
              + " histograms");
    }
    long samples = predictions.total();
    var features = new ArrayList<FeatureDrift>(names.size());
    double score = 0;
    for (int i = 0; i < names.size(); i++) {
      var histogram = observed.get(i);
      if (histogram.total() != samples) {
        throw new IllegalArgumentException(
            "feature "
                + names.get(i)
                + " counts "
                + histogram.total()
                + " rows but the predictions count "
                + samples);
      }
      var drift =
          FeatureDrift.score(names.get(i), references.get(i), histogram, thresholds, statistic);
      features.add(drift);
      score = Math.max(score, statistic.of(drift.psi(), drift.ks()));
    }
    var prediction =
        FeatureDrift.score(PREDICTION, predictionReference, predictions, thresholds, statistic);
    score = Math.max(score, statistic.of(prediction.psi(), prediction.ks()));
    return new DriftReport(score, thresholds.classify(score), features, prediction, samples);
  }
}
