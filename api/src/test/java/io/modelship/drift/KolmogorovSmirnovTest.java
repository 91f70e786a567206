package io.modelship.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class KolmogorovSmirnovTest {

  @Test
  void largestGapBetweenCumulativeDistributionsByHand() {
    // cumulative expected 0.1, 0.3, 0.6, 1.0; cumulative actual 0.4, 0.7, 0.9, 1.0;
    // gaps 0.3, 0.4, 0.3, 0.0 -> 0.4
    double ks =
        KolmogorovSmirnov.statistic(
            new double[] {0.1, 0.2, 0.3, 0.4}, new double[] {0.4, 0.3, 0.2, 0.1});

    assertThat(ks).isCloseTo(0.4, within(1e-12));
  }

  @Test
  void fromCountsByHand() {
    // reference 0.5 / 0.5, observed 1 / 3 = 0.25 / 0.75: gaps |0.5 - 0.25| = 0.25, |1 - 1| = 0 ->
    // 0.25
    var reference = new ReferenceBins(new double[] {0}, new double[] {0.5, 0.5});

    assertThat(KolmogorovSmirnov.statistic(reference, Histogram.of(1, 3))).isEqualTo(0.25);
  }

  @Test
  void identicalDistributionsHaveZeroDistance() {
    assertThat(KolmogorovSmirnov.statistic(new double[] {0.25, 0.75}, new double[] {0.25, 0.75}))
        .isZero();
  }

  @Test
  void disjointDistributionsHaveDistanceOne() {
    assertThat(KolmogorovSmirnov.statistic(new double[] {1, 0}, new double[] {0, 1}))
        .isEqualTo(1.0);
  }

  @Test
  void nothingObservedMeansNoDrift() {
    var reference = new ReferenceBins(new double[] {0}, new double[] {0.5, 0.5});

    assertThat(KolmogorovSmirnov.statistic(reference, Histogram.empty(2))).isZero();
  }
}
