package io.modelship.drift;

/**
 * Drift of one feature (or of the predictions) against its reference; the status follows the chosen
 * statistic (PSI unless told otherwise).
 *
 * @param name feature name, or {@code "prediction"} for the prediction distribution
 * @param psi population stability index
 * @param ks binned Kolmogorov-Smirnov statistic
 * @param status the chosen statistic classified by the thresholds
 */
public record FeatureDrift(String name, double psi, double ks, DriftStatus status) {

  FeatureDrift insufficient() {
    return new FeatureDrift(name, psi, ks, DriftStatus.InsufficientData);
  }

  static FeatureDrift score(
      String name,
      ReferenceBins reference,
      Histogram observed,
      DriftThresholds thresholds,
      DriftStatistic statistic) {
    double psi = Psi.of(reference, observed);
    double ks = KolmogorovSmirnov.statistic(reference, observed);
    return new FeatureDrift(name, psi, ks, thresholds.classify(statistic.of(psi, ks)));
  }
}
