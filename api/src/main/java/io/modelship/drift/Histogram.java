package io.modelship.drift;

import java.util.Arrays;

/**
 * Observed counts per bin. Immutable; histograms over the same bins from many pods or windows add
 * up with {@link #merge(Histogram)}.
 *
 * @param counts count per bin, non-negative, at least one bin
 */
public record Histogram(long[] counts) {

  public Histogram {
    if (counts == null || counts.length == 0) {
      throw new IllegalArgumentException("a histogram needs at least one bin");
    }
    counts = counts.clone();
    for (int i = 0; i < counts.length; i++) {
      if (counts[i] < 0) {
        throw new IllegalArgumentException("count of bin " + i + " is negative: " + counts[i]);
      }
    }
  }

  /** A histogram with the given counts. */
  public static Histogram of(long... counts) {
    return new Histogram(counts);
  }

  /** A histogram of {@code bins} bins with nothing counted. */
  public static Histogram empty(int bins) {
    if (bins < 1) {
      throw new IllegalArgumentException("a histogram needs at least one bin, got " + bins);
    }
    return new Histogram(new long[bins]);
  }

  /** Number of bins. */
  public int bins() {
    return counts.length;
  }

  /** The count of one bin. */
  public long count(int bin) {
    return counts[bin];
  }

  /** Sum of all counts. */
  public long total() {
    long total = 0;
    for (long count : counts) {
      total = Math.addExact(total, count);
    }
    return total;
  }

  /** Share of the total in each bin; all zeros when nothing was counted. */
  public double[] fractions() {
    long total = total();
    var fractions = new double[counts.length];
    if (total == 0) {
      return fractions;
    }
    for (int i = 0; i < counts.length; i++) {
      fractions[i] = (double) counts[i] / total;
    }
    return fractions;
  }

  /** Bin-by-bin sum of this and another histogram over the same bins. */
  public Histogram merge(Histogram other) {
    if (other.counts.length != counts.length) {
      throw new IllegalArgumentException(
          "cannot merge a histogram of "
              + other.counts.length
              + " bins into one of "
              + counts.length
              + " bins");
    }
    var sum = new long[counts.length];
    for (int i = 0; i < counts.length; i++) {
      sum[i] = Math.addExact(counts[i], other.counts[i]);
    }
    return new Histogram(sum);
  }

  @Override
  public long[] counts() {
    return counts.clone();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Histogram that && Arrays.equals(counts, that.counts);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(counts);
  }

  @Override
  public String toString() {
    return "Histogram" + Arrays.toString(counts);
  }
}
