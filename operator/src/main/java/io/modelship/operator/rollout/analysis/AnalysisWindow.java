package io.modelship.operator.rollout.analysis;

import io.modelship.api.v1alpha1.report.LatencyBuckets;
import io.modelship.drift.Histogram;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One version's traffic between two points in time: the difference of its reset-corrected
 * cumulative totals, so every figure (error rate, p99 from the latency buckets, drift of the binned
 * inputs, predicted classes, feedback) describes exactly this span.
 *
 * @param from where the span starts (a recorded point in the history)
 * @param to where it ends (now)
 * @param latency requests per {@link LatencyBuckets} bucket
 * @param driftScore drift of the span's inputs against the package's reference, {@code null} when
 *     no rows
 * @param driftSamples rows the drift score is based on
 * @param predictions predicted classes (or regression prediction bins) of the span; empty when none
 */
public record AnalysisWindow(
    Instant from,
    Instant to,
    long requests,
    long errors,
    long[] latency,
    long labelled,
    long correct,
    Double driftScore,
    long driftSamples,
    Optional<Histogram> predictions) {

  public AnalysisWindow {
    latency = latency.clone();
  }

  public static AnalysisWindow empty(Instant from, Instant to) {
    return new AnalysisWindow(
        from, to, 0, 0, new long[LatencyBuckets.COUNT], 0, 0, null, 0, Optional.empty());
  }

  public Duration span() {
    return Duration.between(from, to);
  }

  /** p99 of the span's requests, interpolated in its latency bucket; {@code null} when none. */
  public Double latencyP99Ms() {
    return LatencyBuckets.quantile(latency, 0.99);
  }

  public long predicted() {
    return predictions.map(Histogram::total).orElse(0L);
  }

  public Optional<Double> errorRate() {
    return requests == 0
        ? Optional.empty()
        : Optional.of((double) Math.min(errors, requests) / requests);
  }

  public Optional<Double> accuracy() {
    return labelled == 0
        ? Optional.empty()
        : Optional.of((double) Math.min(correct, labelled) / labelled);
  }
}
