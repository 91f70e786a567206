package io.modelship.drift;

/**
 * Two-sample Kolmogorov-Smirnov statistic on binned data: the largest distance between the expected
 * and actual cumulative distributions, taken at the bin boundaries.
 */
public final class KolmogorovSmirnov {

  private KolmogorovSmirnov() {}

  /** Max over bins of |cumulative expected - cumulative actual|, between 0 and 1. */
  public static double statistic(double[] expected, double[] actual) {
    if (expected.length != actual.length) {
      throw new IllegalArgumentException(
          "expected has " + expected.length + " bins but actual has " + actual.length);
    }
    double cumulativeExpected = 0;
    double cumulativeActual = 0;
    double max = 0;
    for (int i = 0; i < expected.length; i++) {
      cumulativeExpected += expected[i];
      cumulativeActual += actual[i];
      max = Math.max(max, Math.abs(cumulativeExpected - cumulativeActual));
    }
    return max;
  }

  /** KS statistic of observed counts against the reference; 0 when nothing was observed. */
  public static double statistic(ReferenceBins reference, Histogram observed) {
    Psi.requireSameBins(reference, observed);
    if (observed.total() == 0) {
      return 0;
    }
    return statistic(reference.fractions(), observed.fractions());
  }
}
