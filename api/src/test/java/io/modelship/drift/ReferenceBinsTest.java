package io.modelship.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ReferenceBinsTest {

  private final ReferenceBins threeEdges =
      new ReferenceBins(new double[] {1, 2, 3}, new double[] {0.1, 0.2, 0.3, 0.4});

  @Test
  void valueOnAnEdgeBelongsToTheBinAboveIt() {
    assertThat(threeEdges.binOf(-1e9)).isZero();
    assertThat(threeEdges.binOf(0.999)).isZero();
    assertThat(threeEdges.binOf(1.0)).isEqualTo(1);
    assertThat(threeEdges.binOf(1.5)).isEqualTo(1);
    assertThat(threeEdges.binOf(2.0)).isEqualTo(2);
    assertThat(threeEdges.binOf(Math.nextDown(3.0))).isEqualTo(2);
    assertThat(threeEdges.binOf(3.0)).isEqualTo(3);
    assertThat(threeEdges.binOf(1e9)).isEqualTo(3);
  }

  @Test
  void negativeZeroIsBinnedLikeZero() {
    var bins = new ReferenceBins(new double[] {0.0}, new double[] {0.5, 0.5});

    assertThat(bins.binOf(-0.0)).isEqualTo(1);
  }

  @Test
  void withoutEdgesEverythingFallsInTheOnlyBin() {
    var single = new ReferenceBins(new double[0], new double[] {1.0});

    assertThat(single.binOf(-1e300)).isZero();
    assertThat(single.binOf(1e300)).isZero();
  }

  @Test
  void refusesToBinValuesThatAreNotFinite() {
    assertThatThrownBy(() -> threeEdges.binOf(Double.NaN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not finite");
    assertThatThrownBy(() -> threeEdges.binOf(Double.POSITIVE_INFINITY))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void categoriesGetOneBinPerLabelIndex() {
    var labels = ReferenceBins.ofCategories(new double[] {0.2, 0.3, 0.5});

    assertThat(labels.edges()).containsExactly(0.5, 1.5);
    assertThat(labels.binOf(0)).isZero();
    assertThat(labels.binOf(1)).isEqualTo(1);
    assertThat(labels.binOf(2)).isEqualTo(2);
  }

  @Test
  void quantileBinsOfAKnownSample() {
    // n = 10, 4 bins: edges at sorted[floor(j * 10 / 4)] for j = 1..3 = sorted[2], sorted[5],
    // sorted[7] = 3, 6, 8.
    // (-inf,3) holds 1,2; [3,6) holds 3,4,5; [6,8) holds 6,7; [8,inf) holds 8,9,10.
    double[] sample = {7, 3, 10, 1, 5, 8, 2, 9, 4, 6};

    var bins = ReferenceBins.fromSample(sample, 4);

    assertThat(bins.edges()).containsExactly(3, 6, 8);
    assertThat(bins.fractions()).containsExactly(0.2, 0.3, 0.2, 0.3);
  }

  @Test
  void constantColumnGetsASingleBin() {
    var bins = ReferenceBins.fromSample(new double[] {5, 5, 5, 5}, 10);

    assertThat(bins.edges()).isEmpty();
    assertThat(bins.fractions()).containsExactly(1.0);
  }

  @Test
  void coincidingQuantilesAreMerged() {
    // n = 8, 4 bins: candidate edges sorted[2] = 0 (the minimum, dropped), sorted[4] = 1, sorted[6]
    // = 1 (repeat).
    var bins = ReferenceBins.fromSample(new double[] {0, 0, 0, 0, 1, 1, 1, 1}, 4);

    assertThat(bins.edges()).containsExactly(1);
    assertThat(bins.fractions()).containsExactly(0.5, 0.5);
  }

  @Test
  void oneBinRequestedGivesOneBin() {
    var bins = ReferenceBins.fromSample(new double[] {1, 2, 3}, 1);

    assertThat(bins.edges()).isEmpty();
    assertThat(bins.fractions()).containsExactly(1.0);
  }

  @Test
  void fromSampleRejectsBadInput() {
    assertThatThrownBy(() -> ReferenceBins.fromSample(new double[0], 4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least one value");
    assertThatThrownBy(() -> ReferenceBins.fromSample(new double[] {1}, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bins must be at least 1");
    assertThatThrownBy(() -> ReferenceBins.fromSample(new double[] {1, Double.NaN}, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sample value 1 is not finite");
  }

  @Test
  void edgesMustBeStrictlyAscendingAndFinite() {
    assertThatThrownBy(() -> new ReferenceBins(new double[] {1, 1}, new double[] {0.3, 0.3, 0.4}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("strictly ascending");
    assertThatThrownBy(() -> new ReferenceBins(new double[] {2, 1}, new double[] {0.3, 0.3, 0.4}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("strictly ascending");
    assertThatThrownBy(() -> new ReferenceBins(new double[] {Double.NaN}, new double[] {0.5, 0.5}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("edge 0 is not finite");
  }

  @Test
  void fractionsMustMatchTheBinsAndFormADistribution() {
    assertThatThrownBy(() -> new ReferenceBins(new double[] {1}, new double[] {1.0}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1 edges define 2 bins");
    assertThatThrownBy(() -> new ReferenceBins(new double[] {1}, new double[] {-0.5, 1.5}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("fraction 0");
    assertThatThrownBy(() -> new ReferenceBins(new double[] {1}, new double[] {0.5, 0.4}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sum to 1");
    assertThatThrownBy(() -> new ReferenceBins(null, new double[] {1.0}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("edges must not be null");
  }

  @Test
  void fractionsMayBeOffByRoundingOnly() {
    var bins = new ReferenceBins(new double[] {1}, new double[] {0.5, 0.5000005});

    assertThat(bins.bins()).isEqualTo(2);
  }

  @Test
  void arraysAreCopiedSoTheRecordStaysImmutable() {
    double[] edges = {1};
    var bins = new ReferenceBins(edges, new double[] {0.5, 0.5});
    edges[0] = 99;
    bins.edges()[0] = 99;

    assertThat(bins.binOf(1)).isEqualTo(1);
    assertThat(bins).isEqualTo(new ReferenceBins(new double[] {1}, new double[] {0.5, 0.5}));
  }

  @Test
  void histogramOfCountsValuesPerBin() {
    assertThat(threeEdges.histogramOf(0, 1, 1.5, 3, 4, 5)).isEqualTo(Histogram.of(1, 2, 0, 3));
  }
}
