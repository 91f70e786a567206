package io.modelship.operator.rollout.analysis;

import java.util.Optional;

/**
 * The windows one judgement reads: the interval since the previous judgement for error rate and
 * latency, and for drift, prediction shift and accuracy the windows widened back (within the step)
 * until they hold their minimum samples. Stable windows cover the same span as the canary's.
 *
 * @param interval the new version's traffic since the previous judgement
 * @param stableInterval the stable version's over the same span, empty when it has no pods
 * @param drift the new version's traffic for the drift score
 * @param shift the new version's traffic for the prediction shift
 * @param stableShift the stable version's over the same span
 * @param accuracy the new version's traffic for the accuracy comparison
 * @param stableAccuracy the stable version's over the same span
 */
public record Evidence(
    AnalysisWindow interval,
    Optional<AnalysisWindow> stableInterval,
    AnalysisWindow drift,
    AnalysisWindow shift,
    Optional<AnalysisWindow> stableShift,
    AnalysisWindow accuracy,
    Optional<AnalysisWindow> stableAccuracy) {

  /** Every statistic on the same windows (what a judgement without widening sees). */
  public static Evidence of(AnalysisWindow canary, Optional<AnalysisWindow> stable) {
    return new Evidence(canary, stable, canary, canary, stable, canary, stable);
  }
}
