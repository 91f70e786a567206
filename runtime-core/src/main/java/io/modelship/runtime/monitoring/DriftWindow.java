package io.modelship.runtime.monitoring;

import io.modelship.drift.Histogram;
import java.util.List;

/**
 * The counts of one drift window taken at a single instant, so feature and prediction histograms
 * describe the same rows; this is what a pod publishes for the operator to merge.
 *
 * @param features counts of each feature over its reference bins, in feature order
 * @param predictions counts of each predicted label index
 */
public record DriftWindow(List<Histogram> features, Histogram predictions) {

  public DriftWindow {
    features = List.copyOf(features);
  }

  /** Number of rows in the window. */
  public long samples() {
    return predictions.total();
  }
}
