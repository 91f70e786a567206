package io.modelship.drift;

/**
 * Drift of one feature (or of the predictions) against its reference; the status follows the PSI.
 *
 * @param name   feature name, or {@code "prediction"} for the prediction distribution
 * @param psi    population stability index
 * @param ks     binned Kolmogorov-Smirnov statistic
 * @param status {@code psi} classified by the thresholds
 */
public record FeatureDrift(String name, double psi, double ks, DriftStatus status) {

    static FeatureDrift score(String name, ReferenceBins reference, Histogram observed, DriftThresholds thresholds) {
        double psi = Psi.of(reference, observed);
        return new FeatureDrift(name, psi, KolmogorovSmirnov.statistic(reference, observed), thresholds.classify(psi));
    }
}
