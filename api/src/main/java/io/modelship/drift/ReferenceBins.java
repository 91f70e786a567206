package io.modelship.drift;

import java.util.Arrays;

/**
 * The training distribution of one feature (or of the predictions): k bins cut by k-1 ascending
 * edges, and the fraction of the training sample that fell in each bin.
 *
 * <p>Bin 0 is {@code (-inf, edges[0])}, bin i is {@code [edges[i-1], edges[i])}, the last bin is
 * {@code [edges[k-2], +inf)}, so every finite value has exactly one bin.
 *
 * @param edges inner cut points, strictly ascending and finite, length k-1 (may be empty)
 * @param fractions share of the reference sample in each bin, length k, non-negative, summing to 1
 */
public record ReferenceBins(double[] edges, double[] fractions) {

  /** How far the fractions may sum from 1, to absorb rounding in packages written elsewhere. */
  public static final double FRACTION_SUM_TOLERANCE = 1e-6;

  public ReferenceBins {
    if (edges == null) {
      throw new IllegalArgumentException("edges must not be null");
    }
    if (fractions == null) {
      throw new IllegalArgumentException("fractions must not be null");
    }
    edges = edges.clone();
    fractions = fractions.clone();
    for (int i = 0; i < edges.length; i++) {
      if (!Double.isFinite(edges[i])) {
        throw new IllegalArgumentException("edge " + i + " is not finite: " + edges[i]);
      }
      if (i > 0 && !(edges[i] > edges[i - 1])) {
        throw new IllegalArgumentException(
            "edges must be strictly ascending, but edge "
                + i
                + " ("
                + edges[i]
                + ") is not above edge "
                + (i - 1)
                + " ("
                + edges[i - 1]
                + ")");
      }
    }
    if (fractions.length != edges.length + 1) {
      throw new IllegalArgumentException(
          edges.length
              + " edges define "
              + (edges.length + 1)
              + " bins, but there are "
              + fractions.length
              + " fractions");
    }
    requireDistribution(fractions);
  }

  /**
   * Bins for a categorical value 0..k-1 such as a predicted label index: value i falls in bin i.
   */
  public static ReferenceBins ofCategories(double[] fractions) {
    if (fractions == null || fractions.length == 0) {
      throw new IllegalArgumentException("at least one category fraction is required");
    }
    var edges = new double[fractions.length - 1];
    for (int i = 0; i < edges.length; i++) {
      edges[i] = i + 0.5;
    }
    return new ReferenceBins(edges, fractions);
  }

  /**
   * Quantile bins of a training column: up to {@code bins} bins holding roughly equal shares of the
   * sample. Repeated values can make quantiles coincide; those edges are merged, so a column with
   * few distinct values gets fewer bins and a constant column gets a single bin.
   */
  public static ReferenceBins fromSample(double[] values, int bins) {
    if (values == null || values.length == 0) {
      throw new IllegalArgumentException("the sample must contain at least one value");
    }
    if (bins < 1) {
      throw new IllegalArgumentException("bins must be at least 1, got " + bins);
    }
    var sorted = values.clone();
    for (int i = 0; i < sorted.length; i++) {
      if (!Double.isFinite(sorted[i])) {
        throw new IllegalArgumentException("sample value " + i + " is not finite: " + sorted[i]);
      }
      // Normalises -0.0 to 0.0 so sorting and equality agree with the < used by binOf.
      sorted[i] += 0.0;
    }
    Arrays.sort(sorted);
    int n = sorted.length;
    var edges = new double[bins - 1];
    int edgeCount = 0;
    for (int j = 1; j < bins; j++) {
      double edge = sorted[(int) ((long) j * n / bins)];
      // An edge at the minimum would leave bin 0 empty in the reference.
      boolean aboveMinimum = edge > sorted[0];
      boolean aboveLastEdge = edgeCount == 0 || edge > edges[edgeCount - 1];
      if (aboveMinimum && aboveLastEdge) {
        edges[edgeCount++] = edge;
      }
    }
    edges = Arrays.copyOf(edges, edgeCount);
    var counts = new long[edgeCount + 1];
    int bin = 0;
    for (double value : sorted) {
      while (bin < edgeCount && value >= edges[bin]) {
        bin++;
      }
      counts[bin]++;
    }
    var fractions = new double[counts.length];
    for (int i = 0; i < counts.length; i++) {
      fractions[i] = (double) counts[i] / n;
    }
    return new ReferenceBins(edges, fractions);
  }

  /** Number of bins, k. */
  public int bins() {
    return fractions.length;
  }

  /** The bin of a finite value: the number of edges at or below it. */
  public int binOf(double x) {
    if (!Double.isFinite(x)) {
      throw new IllegalArgumentException("cannot bin a value that is not finite: " + x);
    }
    // A hand-written search rather than Arrays.binarySearch, which orders -0.0 below 0.0.
    int low = 0;
    int high = edges.length;
    while (low < high) {
      int mid = (low + high) >>> 1;
      if (edges[mid] <= x) {
        low = mid + 1;
      } else {
        high = mid;
      }
    }
    return low;
  }

  /** Counts of the given values in these bins. */
  public Histogram histogramOf(double... values) {
    var counts = new long[bins()];
    for (double value : values) {
      counts[binOf(value)]++;
    }
    return new Histogram(counts);
  }

  @Override
  public double[] edges() {
    return edges.clone();
  }

  @Override
  public double[] fractions() {
    return fractions.clone();
  }

  /** The reference fraction of one bin, without copying the array. */
  public double fraction(int bin) {
    return fractions[bin];
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ReferenceBins that
        && Arrays.equals(edges, that.edges)
        && Arrays.equals(fractions, that.fractions);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(edges) + Arrays.hashCode(fractions);
  }

  @Override
  public String toString() {
    return "ReferenceBins[edges="
        + Arrays.toString(edges)
        + ", fractions="
        + Arrays.toString(fractions)
        + "]";
  }

  private static void requireDistribution(double[] fractions) {
    double sum = 0;
    for (int i = 0; i < fractions.length; i++) {
      if (!(fractions[i] >= 0) || !Double.isFinite(fractions[i])) {
        throw new IllegalArgumentException(
            "fraction " + i + " must be a finite non-negative number, got " + fractions[i]);
      }
      sum += fractions[i];
    }
    if (Math.abs(sum - 1.0) > FRACTION_SUM_TOLERANCE) {
      throw new IllegalArgumentException(
          "fractions must sum to 1 (within " + FRACTION_SUM_TOLERANCE + "), but sum to " + sum);
    }
  }
}
