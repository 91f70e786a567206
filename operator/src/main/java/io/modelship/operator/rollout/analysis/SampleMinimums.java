package io.modelship.operator.rollout.analysis;

import io.modelship.api.runtime.RuntimeEnvironment;
import io.modelship.drift.DriftThresholds;

/**
 * How many samples a statistic needs before the analysis judge trusts it: the same {@code
 * monitoring.drift.minSamples} and {@code monitoring.accuracy.minSamples} that keep the status
 * InsufficientData, so a canary is never failed on evidence the status would not alarm on. The
 * prediction shift needs {@code analysis.minRequests} predictions of each version.
 *
 * @param drift rows of input behind a drift score
 * @param accuracy labelled predictions of each version behind an accuracy comparison
 */
public record SampleMinimums(long drift, long accuracy) {

  /** The defaults (from {@link DriftThresholds}), for a runtime window of the default size. */
  public static final SampleMinimums DEFAULTS =
      new SampleMinimums(
          DriftThresholds.defaultDriftMinSamples(RuntimeEnvironment.DEFAULT_DRIFT_WINDOW_SIZE),
          DriftThresholds.DEFAULT_ACCURACY_MIN_SAMPLES);

  public SampleMinimums {
    drift = Math.max(1, drift);
    accuracy = Math.max(1, accuracy);
  }
}
