package io.modelship.operator.reports;

import io.modelship.api.v1alpha1.report.LatencyBuckets;
import io.modelship.api.v1alpha1.report.RuntimeReportSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The countable part of a report, or of a version's totals, or of the traffic between two points in
 * time: requests, errors, labelled feedback, latency buckets, feature bins (features by name) and
 * prediction bins. Immutable.
 *
 * @param features bin counts per feature, in {@link #names} order; empty when no bins are known
 * @param predictions prediction bin counts; empty array when none
 * @param regression a regressor's scored feedback and error sums
 */
public record Counts(
    long requests,
    long errors,
    long labelled,
    long correct,
    long[] latency,
    List<String> names,
    List<long[]> features,
    long[] predictions,
    ErrorSums regression) {

  public static final Counts ZERO =
      new Counts(
          0,
          0,
          0,
          0,
          new long[LatencyBuckets.COUNT],
          List.of(),
          List.of(),
          new long[0],
          ErrorSums.ZERO);

  /**
   * A regressor's feedback with a true value, and the sums of its absolute and squared errors:
   * additive over pods and time, where MAE and RMSE are not.
   */
  public record ErrorSums(long count, double absolute, double squared) {
    static final ErrorSums ZERO = new ErrorSums(0, 0, 0);

    ErrorSums plus(ErrorSums o) {
      return new ErrorSums(count + o.count, absolute + o.absolute, squared + o.squared);
    }

    ErrorSums minus(ErrorSums o) {
      return new ErrorSums(
          Math.max(0, count - o.count),
          Math.max(0, absolute - o.absolute),
          Math.max(0, squared - o.squared));
    }
  }

  public Counts {
    latency = latency.clone();
    names = List.copyOf(names);
    features = features.stream().map(long[]::clone).toList();
    predictions = predictions.clone();
  }

  /**
   * What a report counts, features in name order; a report's bins must already carry their counts.
   */
  public static Counts of(RuntimeReportSpec r) {
    var bins =
        new TreeMap<String, io.modelship.api.v1alpha1.report.BinnedCounts>(
            Objects.requireNonNullElse(r.getFeatures(), Map.of()));
    var names = new ArrayList<String>();
    var features = new ArrayList<long[]>();
    bins.forEach(
        (name, b) -> {
          names.add(name);
          features.add(longs(b.getCounts()));
        });
    // Without its features the report was not joined with its package reference (yet): its bins are
    // left out whole, so a version's totals never take the shape of a report that has only
    // predictions.
    long[] predictions =
        r.getPrediction() == null || names.isEmpty()
            ? new long[0]
            : longs(r.getPrediction().getCounts());
    return new Counts(
        orZero(r.getRequestCount()),
        orZero(r.getErrorCount()),
        orZero(r.getFeedbackCount()),
        orZero(r.getFeedbackCorrect()),
        LatencyBuckets.expanded(r.getLatencyCounts()),
        names,
        features,
        predictions,
        new ErrorSums(
            orZero(r.getErrorFeedbackCount()),
            orZero(r.getAbsoluteErrorSum()),
            orZero(r.getSquaredErrorSum())));
  }

  /** Rows the feature and prediction bins count (the prediction bins' total). */
  public long rows() {
    return Arrays.stream(predictions).sum();
  }

  boolean sameShape(Counts other) {
    if (!names.equals(other.names) || predictions.length != other.predictions.length) {
      return false;
    }
    for (int i = 0; i < features.size(); i++) {
      if (features.get(i).length != other.features.get(i).length) {
        return false;
      }
    }
    return true;
  }

  boolean hasBins() {
    return predictions.length > 0;
  }

  /** Whether the feature bins are here: a report not yet joined with its reference has none. */
  boolean hasFeatures() {
    return !features.isEmpty();
  }

  /**
   * Whether the counters restarted between {@code before} and this: any counter that cannot wrap
   * went down, or the bins changed shape. Feature bins wrap and say nothing.
   */
  boolean restartedSince(Counts before) {
    if (requests < before.requests
        || errors < before.errors
        || labelled < before.labelled
        || correct < before.correct
        || regression.count < before.regression.count
        || (before.hasBins() && !sameShape(before))) {
      return true;
    }
    for (int i = 0; i < latency.length; i++) {
      if (latency[i] < before.latency[i]) {
        return true;
      }
    }
    for (int i = 0; i < predictions.length && before.hasBins(); i++) {
      if (predictions[i] < before.predictions[i]) {
        return true;
      }
    }
    return false;
  }

  /** The increase from {@code before} to this, feature bins as wrapped differences. */
  Counts increaseSince(Counts before) {
    var feats = new ArrayList<long[]>(features.size());
    for (int f = 0; f < features.size(); f++) {
      long[] now = features.get(f);
      long[] then = before.hasBins() ? before.features.get(f) : new long[now.length];
      var d = new long[now.length];
      for (int i = 0; i < d.length; i++) {
        d[i] = Math.floorMod(now[i] - then[i], RuntimeReportSpec.FEATURE_COUNT_MODULUS);
      }
      feats.add(d);
    }
    long[] preds = before.hasBins() ? minus(predictions, before.predictions) : predictions;
    return new Counts(
        requests - before.requests,
        errors - before.errors,
        labelled - before.labelled,
        correct - before.correct,
        minus(latency, before.latency),
        names,
        feats,
        preds,
        regression.minus(before.regression));
  }

  /** This plus {@code other}; bins of a different shape than this one's are left out. */
  Counts plus(Counts other) {
    List<String> n = names;
    List<long[]> feats = features;
    long[] preds = predictions;
    if (!hasBins()) {
      n = other.names;
      feats = other.features;
      preds = other.predictions;
    } else if (other.hasBins() && sameShape(other)) {
      feats = new ArrayList<>();
      for (int f = 0; f < features.size(); f++) {
        feats.add(plus(features.get(f), other.features.get(f)));
      }
      preds = plus(predictions, other.predictions);
    }
    return new Counts(
        requests + other.requests,
        errors + other.errors,
        labelled + other.labelled,
        correct + other.correct,
        plus(latency, other.latency),
        n,
        feats,
        preds,
        regression.plus(other.regression));
  }

  /**
   * This minus an earlier value of the same monotonic totals; bins only when both have them alike.
   */
  public Counts minus(Counts earlier) {
    if (!earlier.hasBins() || !sameShape(earlier)) {
      return new Counts(
          requests - earlier.requests,
          errors - earlier.errors,
          labelled - earlier.labelled,
          correct - earlier.correct,
          minus(latency, earlier.latency),
          names,
          features,
          predictions,
          regression.minus(earlier.regression));
    }
    var feats = new ArrayList<long[]>();
    for (int f = 0; f < features.size(); f++) {
      feats.add(minus(features.get(f), earlier.features.get(f)));
    }
    return new Counts(
        requests - earlier.requests,
        errors - earlier.errors,
        labelled - earlier.labelled,
        correct - earlier.correct,
        minus(latency, earlier.latency),
        names,
        feats,
        minus(predictions, earlier.predictions),
        regression.minus(earlier.regression));
  }

  private static long[] plus(long[] a, long[] b) {
    var r = new long[a.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = a[i] + b[i];
    }
    return r;
  }

  private static long[] minus(long[] a, long[] b) {
    var r = new long[a.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = Math.max(0, a[i] - b[i]);
    }
    return r;
  }

  private static long[] longs(List<Long> values) {
    return Objects.requireNonNullElse(values, List.<Long>of()).stream()
        .mapToLong(v -> v == null ? 0 : v)
        .toArray();
  }

  private static long orZero(Long value) {
    return value == null ? 0 : value;
  }

  private static double orZero(Double value) {
    return value == null ? 0 : value;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Counts c
        && requests == c.requests
        && errors == c.errors
        && labelled == c.labelled
        && correct == c.correct
        && Arrays.equals(latency, c.latency)
        && names.equals(c.names)
        && Arrays.deepEquals(features.toArray(), c.features.toArray())
        && Arrays.equals(predictions, c.predictions)
        && regression.equals(c.regression);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        requests, errors, Arrays.hashCode(latency), names, Arrays.hashCode(predictions));
  }

  @Override
  public String toString() {
    return "Counts[requests="
        + requests
        + ", errors="
        + errors
        + ", labelled="
        + labelled
        + ", rows="
        + rows()
        + "]";
  }
}
