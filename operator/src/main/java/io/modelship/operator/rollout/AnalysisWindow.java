package io.modelship.operator.rollout;

import io.modelship.api.v1alpha1.status.VersionCounters;
import io.modelship.drift.Histogram;
import java.util.Optional;

/**
 * One version's traffic in the interval being judged: the difference of its cumulative counters
 * from the ones recorded at the previous judgement. A counter that went down means pods restarted
 * or left, so the current count is all that is known of the interval.
 *
 * <p>Latency p99, drift and predicted classes are the runtime's recent-window figures, not
 * differences: percentiles and windows cannot be subtracted.
 */
public record AnalysisWindow(
    long requests,
    long errors,
    Double latencyP99Ms,
    long labelled,
    long correct,
    Double driftScore,
    long driftSamples,
    Optional<Histogram> predictions) {

  public static AnalysisWindow between(VersionCounters start, VersionMetrics now) {
    return new AnalysisWindow(
        delta(start == null ? null : start.getRequests(), now.requests()),
        delta(start == null ? null : start.getErrors(), now.errors()),
        now.latencyP99Ms(),
        delta(start == null ? null : start.getLabelled(), now.labelled()),
        delta(start == null ? null : start.getCorrect(), now.correct()),
        now.driftScore(),
        now.driftSamples(),
        now.predictions());
  }

  /** The counters to keep for the next window. */
  public static VersionCounters counters(VersionMetrics now) {
    var counters = new VersionCounters();
    counters.setRequests(now.requests());
    counters.setErrors(now.errors());
    counters.setLabelled(now.labelled());
    counters.setCorrect(now.correct());
    return counters;
  }

  private static long delta(Long start, long now) {
    if (start == null || start > now) {
      return now;
    }
    return now - start;
  }

  public Optional<Double> errorRate() {
    return requests == 0 ? Optional.empty() : Optional.of((double) Math.min(errors, requests) / requests);
  }

  public Optional<Double> accuracy() {
    return labelled == 0 ? Optional.empty() : Optional.of((double) Math.min(correct, labelled) / labelled);
  }
}
