package io.modelship.operator.reports;

import io.modelship.drift.DriftReport;
import io.modelship.drift.Histogram;
import io.modelship.operator.rollout.analysis.VersionMetrics;
import java.util.List;
import java.util.Optional;

/**
 * All reports of one version added up.
 *
 * @param version model version
 * @param pods pods that reported
 * @param loadedPods pods that have the model loaded
 * @param readyPods pods that report ready
 * @param loadErrors distinct load errors, with the pod that saw each first
 * @param requests requests summed over pods
 * @param errors errors summed over pods
 * @param latencyP50Ms worst pod's median latency; percentiles of different pods do not add up
 * @param latencyP99Ms worst pod's p99 latency, an upper bound of the version's p99
 * @param accuracyBaseline training accuracy from the package, if reported
 * @param accuracyLabelled labelled feedbacks the accuracy is computed over
 * @param accuracyCorrect correct predictions among them
 * @param drift drift of the merged histograms, when every pod reported comparable ones
 * @param driftProblem why the histograms could not be merged or scored, if they could not
 * @param predictions predicted classes over the span the drift covers, merged
 * @param regressionError a regressor's error sums over pods ({@link ErrorAggregate#NONE} for a
 *     classifier)
 */
public record VersionAggregate(
    String version,
    int pods,
    int loadedPods,
    int readyPods,
    List<String> loadErrors,
    long requests,
    long errors,
    Double latencyP50Ms,
    Double latencyP99Ms,
    Double accuracyBaseline,
    long accuracyLabelled,
    long accuracyCorrect,
    Optional<DriftReport> drift,
    Optional<String> driftProblem,
    Optional<Histogram> predictions,
    ErrorAggregate regressionError) {

  public VersionAggregate {
    loadErrors = List.copyOf(loadErrors);
    regressionError = regressionError == null ? ErrorAggregate.NONE : regressionError;
  }

  public Optional<Double> accuracy() {
    return accuracyLabelled == 0
        ? Optional.empty()
        : Optional.of((double) accuracyCorrect / accuracyLabelled);
  }

  /** What the planners read of this version's health now. */
  public VersionMetrics metrics() {
    return new VersionMetrics(pods, readyPods, loadErrors);
  }
}
