package io.modelship.drift;

/**
 * Population stability index of an observed distribution against a reference: {@code sum over bins
 * of (a - e) * ln(a / e)}, where e and a are the expected and actual fractions.
 */
public final class Psi {

  /**
   * Floor applied to every fraction before the sum. An empty bin would otherwise make the logarithm
   * infinite; with the floor an emptied bin that held 10% of the reference contributes (1e-4 - 0.1)
   * * ln(1e-4 / 0.1), about 0.69: finite, and still over the usual 0.25 alert line.
   */
  public static final double EPSILON = 1e-4;

  private Psi() {}

  /** PSI of two distributions over the same bins; each fraction is floored at {@link #EPSILON}. */
  public static double of(double[] expected, double[] actual) {
    if (expected.length != actual.length) {
      throw new IllegalArgumentException(
          "expected has " + expected.length + " bins but actual has " + actual.length);
    }
    double psi = 0;
    for (int i = 0; i < expected.length; i++) {
      double e = Math.max(expected[i], EPSILON);
      double a = Math.max(actual[i], EPSILON);
      psi += (a - e) * Math.log(a / e);
    }
    return psi;
  }

  /**
   * PSI of observed counts against the reference; 0 when nothing was observed (no evidence of
   * drift).
   */
  public static double of(ReferenceBins reference, Histogram observed) {
    requireSameBins(reference, observed);
    if (observed.total() == 0) {
      return 0;
    }
    return of(reference.fractions(), observed.fractions());
  }

  static void requireSameBins(ReferenceBins reference, Histogram observed) {
    if (reference.bins() != observed.bins()) {
      throw new IllegalArgumentException(
          "reference has "
              + reference.bins()
              + " bins but the observed histogram has "
              + observed.bins());
    }
  }
}
