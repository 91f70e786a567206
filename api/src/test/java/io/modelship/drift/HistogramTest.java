package io.modelship.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HistogramTest {

  private final ReferenceBins bins =
      new ReferenceBins(new double[] {1, 2}, new double[] {0.2, 0.5, 0.3});

  @Test
  void mergeEqualsTheHistogramOfTheCombinedData() {
    double[] podA = {0.5, 1.5, 2.5, 1.0};
    double[] podB = {-3, 2.0, 7};
    double[] combined = {0.5, 1.5, 2.5, 1.0, -3, 2.0, 7};

    var merged = bins.histogramOf(podA).merge(bins.histogramOf(podB));

    assertThat(merged).isEqualTo(bins.histogramOf(combined));
    assertThat(merged.counts()).containsExactly(2, 2, 3);
    assertThat(merged.total()).isEqualTo(7);
  }

  @Test
  void mergeLeavesBothOperandsUnchanged() {
    var a = Histogram.of(1, 2);
    var b = Histogram.of(3, 4);

    a.merge(b);

    assertThat(a.counts()).containsExactly(1, 2);
    assertThat(b.counts()).containsExactly(3, 4);
  }

  @Test
  void mergeRefusesDifferentBinCounts() {
    assertThatThrownBy(() -> Histogram.of(1, 2).merge(Histogram.of(1, 2, 3)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("3 bins into one of 2 bins");
  }

  @Test
  void fractionsAreSharesOfTheTotal() {
    assertThat(Histogram.of(1, 3, 0, 4).fractions()).containsExactly(0.125, 0.375, 0.0, 0.5);
  }

  @Test
  void emptyHistogramHasZeroTotalAndZeroFractions() {
    var empty = Histogram.empty(3);

    assertThat(empty.total()).isZero();
    assertThat(empty.fractions()).containsExactly(0.0, 0.0, 0.0);
  }

  @Test
  void rejectsNegativeCountsAndZeroBins() {
    assertThatThrownBy(() -> Histogram.of(1, -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bin 1 is negative");
    assertThatThrownBy(() -> Histogram.of()).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Histogram.empty(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void countsAreCopiedSoTheHistogramStaysImmutable() {
    long[] counts = {1, 2};
    var histogram = new Histogram(counts);
    counts[0] = 100;
    histogram.counts()[1] = 100;

    assertThat(histogram).isEqualTo(Histogram.of(1, 2));
  }
}
