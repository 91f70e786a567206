package io.modelship.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class PsiTest {

  @Test
  void twoBinsByHand() {
    // (0.25 - 0.5) ln(0.25 / 0.5) + (0.75 - 0.5) ln(0.75 / 0.5)
    //   = 0.25 ln 2 + 0.25 ln 1.5 = 0.25 ln 3 = 0.274653...
    double psi = Psi.of(new double[] {0.5, 0.5}, new double[] {0.25, 0.75});

    assertThat(psi).isCloseTo(0.25 * Math.log(3), within(1e-12));
    assertThat(psi).isCloseTo(0.274653, within(1e-6));
  }

  @Test
  void threeBinsFromCountsByHand() {
    // reference 0.2 / 0.5 / 0.3, observed counts 3 / 4 / 3 = 0.3 / 0.4 / 0.3:
    // 0.1 ln(0.3 / 0.2) + (-0.1) ln(0.4 / 0.5) + 0 = 0.1 (ln 1.5 - ln 0.8) = 0.1 ln 1.875 =
    // 0.062861...
    var reference = new ReferenceBins(new double[] {1, 2}, new double[] {0.2, 0.5, 0.3});

    double psi = Psi.of(reference, Histogram.of(3, 4, 3));

    assertThat(psi).isCloseTo(0.1 * Math.log(1.875), within(1e-12));
    assertThat(psi).isCloseTo(0.062861, within(1e-6));
  }

  @Test
  void identicalDistributionsHaveZeroPsi() {
    assertThat(Psi.of(new double[] {0.2, 0.3, 0.5}, new double[] {0.2, 0.3, 0.5})).isZero();
  }

  @Test
  void emptyObservedBinIsFlooredAtEpsilonAndStaysFinite() {
    // actual bin 1 is empty and counts as 1e-4:
    // (1 - 0.5) ln(1 / 0.5) + (1e-4 - 0.5) ln(1e-4 / 0.5) = 0.5 ln 2 + 0.4999 ln 5000 = 4.604318...
    double psi = Psi.of(new double[] {0.5, 0.5}, new double[] {1.0, 0.0});

    assertThat(psi).isFinite();
    assertThat(psi)
        .isCloseTo(0.5 * Math.log(2) + (0.5 - Psi.EPSILON) * Math.log(5000), within(1e-12));
    assertThat(psi).isCloseTo(4.604318, within(1e-6));
  }

  @Test
  void binEmptyOnBothSidesContributesNothing() {
    assertThat(Psi.of(new double[] {0.5, 0.5, 0.0}, new double[] {0.25, 0.75, 0.0}))
        .isCloseTo(0.25 * Math.log(3), within(1e-12));
  }

  @Test
  void nothingObservedMeansNoDrift() {
    var reference = new ReferenceBins(new double[] {1}, new double[] {0.5, 0.5});

    assertThat(Psi.of(reference, Histogram.empty(2))).isZero();
  }

  @Test
  void binCountsMustMatch() {
    var reference = new ReferenceBins(new double[] {1}, new double[] {0.5, 0.5});

    assertThatThrownBy(() -> Psi.of(reference, Histogram.of(1, 2, 3)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("2 bins");
    assertThatThrownBy(() -> Psi.of(new double[] {1.0}, new double[] {0.5, 0.5}))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
