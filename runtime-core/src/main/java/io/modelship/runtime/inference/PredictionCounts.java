package io.modelship.runtime.inference;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/** Live counts of predicted rows, per predicted class and per confidence (top probability) bin. */
public final class PredictionCounts {

  /** Confidence histogram bins: [0, 0.1), …, [0.9, 1.0]. */
  public static final int CONFIDENCE_BINS = 10;

  private final LongAdder rows = new LongAdder();
  private final LongAdder[] classes;
  private final LongAdder[] confidence = new LongAdder[CONFIDENCE_BINS];

  /** Prometheus counters per class, registered always, counted only with monitoring on. */
  private final Counter[] classCounters;

  private final boolean monitoring;

  /** The top probability of each classified row, as a Prometheus histogram with the bins above. */
  private final DistributionSummary confidenceSummary;

  PredictionCounts(
      List<String> labels,
      String model,
      String version,
      MeterRegistry registry,
      boolean monitoring) {
    this.classes = new LongAdder[labels.size()];
    this.classCounters = new Counter[labels.size()];
    this.monitoring = monitoring;
    for (int k = 0; k < labels.size(); k++) {
      classes[k] = new LongAdder();
      classCounters[k] =
          Counter.builder("modelship.predictions")
              .description("Predictions by predicted class")
              .tags("model", model, "version", version, "class", labels.get(k))
              .register(registry);
    }
    double[] edges = new double[CONFIDENCE_BINS];
    for (int b = 0; b < CONFIDENCE_BINS; b++) {
      confidence[b] = new LongAdder();
      edges[b] = (b + 1) / (double) CONFIDENCE_BINS;
    }
    confidenceSummary =
        DistributionSummary.builder("modelship.prediction.confidence")
            .description("Top class probability of each classified row")
            .tags("model", model, "version", version)
            .serviceLevelObjectives(edges)
            .register(registry);
  }

  /**
   * Counts a batch of predicted classes, each in its class and in the confidence bin of its top
   * probability; the counters move once per class and bin, not per row.
   */
  void recordClasses(int[] classIndex, double[][] probabilities) {
    long[] perClass = new long[classes.length];
    long[] perBin = new long[CONFIDENCE_BINS];
    for (int i = 0; i < classIndex.length; i++) {
      int k = classIndex[i];
      perClass[k]++;
      perBin[Math.min(CONFIDENCE_BINS - 1, (int) (probabilities[i][k] * CONFIDENCE_BINS))]++;
      if (monitoring) {
        confidenceSummary.record(probabilities[i][k]);
      }
    }
    rows.add(classIndex.length);
    for (int k = 0; k < perClass.length; k++) {
      if (perClass[k] > 0) {
        classes[k].add(perClass[k]);
        if (monitoring) {
          classCounters[k].increment(perClass[k]);
        }
      }
    }
    for (int b = 0; b < CONFIDENCE_BINS; b++) {
      if (perBin[b] > 0) {
        confidence[b].add(perBin[b]);
      }
    }
  }

  void recordValues(int n) {
    rows.add(n);
  }

  public long rows() {
    return rows.sum();
  }

  public long[] perClass() {
    long[] out = new long[classes.length];
    for (int k = 0; k < out.length; k++) {
      out[k] = classes[k].sum();
    }
    return out;
  }

  public long[] perConfidenceBin() {
    long[] out = new long[CONFIDENCE_BINS];
    for (int b = 0; b < out.length; b++) {
      out[b] = confidence[b].sum();
    }
    return out;
  }
}
