package io.modelship.api.v1alpha1.report;

import java.util.List;

/**
 * The fixed latency buckets every pod counts its requests in ({@link
 * RuntimeReportSpec#getLatencyCounts()}), so the operator can add pods and subtract reports bucket
 * by bucket and read a percentile of any span of traffic. Bucket 0 holds latencies up to {@link
 * #FIRST_BOUND_MS}; bucket i up to {@code FIRST_BOUND_MS × GROWTH^i}; the last bucket is open-ended
 * above {@link #LAST_BOUND_MS}.
 *
 * <p>Resolution: a percentile is interpolated linearly inside its bucket, so it is within one
 * bucket width of the truth, at most 25% of the value (0.05 ms to 60 s); beyond 60 s the bucket
 * says only "more than 60 s" and the percentile reads 60000 ms.
 */
public final class LatencyBuckets {

  public static final double FIRST_BOUND_MS = 0.05;
  public static final double GROWTH = 1.25;
  public static final double LAST_BOUND_MS = 60_000;

  private static final double[] BOUNDS = bounds();

  /** Number of buckets, the open-ended last one included. */
  public static final int COUNT = BOUNDS.length + 1;

  private LatencyBuckets() {}

  private static double[] bounds() {
    int n = (int) Math.ceil(Math.log(LAST_BOUND_MS / FIRST_BOUND_MS) / Math.log(GROWTH)) + 1;
    var bounds = new double[n];
    for (int i = 0; i < n; i++) {
      bounds[i] = Math.min(LAST_BOUND_MS, FIRST_BOUND_MS * Math.pow(GROWTH, i));
    }
    return bounds;
  }

  /** Upper bound (inclusive) of bucket {@code i} in ms; infinite for the last bucket. */
  public static double upperBound(int i) {
    return i < BOUNDS.length ? BOUNDS[i] : Double.POSITIVE_INFINITY;
  }

  /** The bucket a latency in ms falls into. */
  public static int bucketOf(double ms) {
    if (!(ms > FIRST_BOUND_MS)) {
      return 0;
    }
    int lo = 0;
    int hi = BOUNDS.length; // BOUNDS[hi - 1] < ms means the open bucket
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (BOUNDS[mid] >= ms) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo;
  }

  /**
   * The q-quantile (0 &lt; q ≤ 1) of the counted latencies in ms, interpolated inside its bucket;
   * {@code null} when nothing was counted.
   */
  public static Double quantile(long[] counts, double q) {
    long total = 0;
    for (long c : counts) {
      total += c;
    }
    if (total == 0) {
      return null;
    }
    double rank = q * total;
    long seen = 0;
    for (int i = 0; i < counts.length; i++) {
      if (counts[i] == 0) {
        continue;
      }
      if (seen + counts[i] >= rank) {
        double lower = i == 0 ? 0 : upperBound(i - 1);
        double upper = Math.min(upperBound(i), LAST_BOUND_MS);
        if (lower >= upper) {
          return upper;
        }
        return lower + (upper - lower) * (rank - seen) / counts[i];
      }
      seen += counts[i];
    }
    return Math.min(upperBound(counts.length - 1), LAST_BOUND_MS);
  }

  /** The counts as a report carries them: trailing empty buckets left out. */
  public static List<Long> trimmed(long[] counts) {
    int end = counts.length;
    while (end > 0 && counts[end - 1] == 0) {
      end--;
    }
    var list = new java.util.ArrayList<Long>(end);
    for (int i = 0; i < end; i++) {
      list.add(counts[i]);
    }
    return list;
  }

  /** A report's counts back to one entry per bucket; extra entries are added to the last bucket. */
  public static long[] expanded(List<Long> counts) {
    var result = new long[COUNT];
    if (counts == null) {
      return result;
    }
    for (int i = 0; i < counts.size(); i++) {
      Long c = counts.get(i);
      result[Math.min(i, COUNT - 1)] += c == null ? 0 : c;
    }
    return result;
  }
}
