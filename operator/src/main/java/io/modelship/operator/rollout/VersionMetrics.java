package io.modelship.operator.rollout;

import io.modelship.drift.Histogram;
import java.util.List;
import java.util.Optional;

/**
 * What one version's pods measured, as the analysis judge needs it; built from whatever stores
 * the runtime reports, so the judge does not depend on that format. Counts are cumulative.
 *
 * @param pods pods that reported
 * @param readyPods pods that report ready
 * @param loadErrors model load errors seen on its pods
 * @param requests requests summed over pods
 * @param errors failed requests summed over pods
 * @param latencyP99Ms the worst pod's p99 over its recent window, {@code null} when none
 * @param labelled labelled predictions summed over pods
 * @param correct correct ones among them
 * @param driftScore drift of its inputs against the package's reference, {@code null} when none
 * @param driftSamples rows the drift score is based on
 * @param predictions predicted classes of its drift window, merged over pods; empty when none
 */
public record VersionMetrics(
    int pods,
    int readyPods,
    List<String> loadErrors,
    long requests,
    long errors,
    Double latencyP99Ms,
    long labelled,
    long correct,
    Double driftScore,
    long driftSamples,
    Optional<Histogram> predictions) {

  public VersionMetrics {
    loadErrors = List.copyOf(loadErrors);
  }

  public static VersionMetrics traffic(long requests, long errors, Double p99) {
    return new VersionMetrics(1, 1, List.of(), requests, errors, p99, 0, 0, null, 0, Optional.empty());
  }

  public VersionMetrics withFeedback(long labelled, long correct) {
    return new VersionMetrics(pods, readyPods, loadErrors, requests, errors, latencyP99Ms, labelled, correct,
        driftScore, driftSamples, predictions);
  }

  public VersionMetrics withDrift(Double score, long samples, Histogram predicted) {
    return new VersionMetrics(pods, readyPods, loadErrors, requests, errors, latencyP99Ms, labelled, correct,
        score, samples, Optional.ofNullable(predicted));
  }

  public VersionMetrics withLoadErrors(List<String> errors) {
    return new VersionMetrics(pods, readyPods, errors, requests, this.errors, latencyP99Ms, labelled, correct,
        driftScore, driftSamples, predictions);
  }
}
