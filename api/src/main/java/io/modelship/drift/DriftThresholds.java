package io.modelship.drift;

/**
 * PSI levels at which drift becomes a warning and an alert ({@code spec.monitoring.drift.warning}
 * and {@code threshold}).
 *
 * @param warning score from which drift is a {@link DriftStatus#Warning}
 * @param threshold score from which drift is an {@link DriftStatus#Alert}
 */
public record DriftThresholds(double warning, double threshold) {

  /**
   * The usual PSI reading: below 0.1 stable, 0.1 to 0.25 moderate shift, 0.25 and above
   * significant.
   */
  public static final DriftThresholds DEFAULT = new DriftThresholds(0.1, 0.25);

  /**
   * Rows a drift window needs before it gets a verdict ({@code DRIFT_MIN_SAMPLES}, {@code
   * monitoring.drift.minSamples}); chosen by the runtime's false-alarm experiment (serving-runtime
   * README, {@code FalseAlarmExperimentTest}): with 200 a 20-feature model read Normal in only
   * 96.9% of windows of undrifted traffic, with 300 in 99.9%.
   */
  public static final int DEFAULT_DRIFT_MIN_SAMPLES = 300;

  /**
   * Feedbacks the rolling accuracy needs before it gets a verdict ({@code ACCURACY_MIN_SAMPLES},
   * {@code monitoring.accuracy.minSamples}); from the same experiment: with 100 feedbacks at a
   * training accuracy of 0.9 and a max drop of 0.05, 98.98% of windows read Normal, with 200
   * 99.73%.
   */
  public static final int DEFAULT_ACCURACY_MIN_SAMPLES = 200;

  /**
   * Labelled feedbacks the rolling accuracy covers: the runtime's own window, and the trailing span
   * of feedback {@code status.accuracy} is computed over (at least the accuracy minSamples).
   */
  public static final int DEFAULT_ACCURACY_WINDOW_SIZE = 1000;

  /**
   * The drift minimum when none is configured: a window smaller than the default gets its verdict
   * once full.
   */
  public static int defaultDriftMinSamples(int windowSize) {
    return Math.min(DEFAULT_DRIFT_MIN_SAMPLES, windowSize);
  }

  public DriftThresholds {
    if (!Double.isFinite(warning)
        || !Double.isFinite(threshold)
        || warning < 0
        || warning > threshold) {
      throw new IllegalArgumentException(
          "drift thresholds need 0 <= warning <= threshold, got warning="
              + warning
              + ", threshold="
              + threshold);
    }
  }

  /** Alert at or above the threshold, Warning at or above the warning level, otherwise Normal. */
  public DriftStatus classify(double score) {
    if (Double.isNaN(score)) {
      throw new IllegalArgumentException("cannot classify a drift score that is NaN");
    }
    if (score >= threshold) {
      return DriftStatus.Alert;
    }
    if (score >= warning) {
      return DriftStatus.Warning;
    }
    return DriftStatus.Normal;
  }
}
