package io.modelship.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DriftThresholdsTest {

  @Test
  void defaultsAreTheUsualPsiLevels() {
    assertThat(DriftThresholds.DEFAULT).isEqualTo(new DriftThresholds(0.1, 0.25));
  }

  @Test
  void eachLevelStartsExactlyAtItsThreshold() {
    var thresholds = DriftThresholds.DEFAULT;

    assertThat(thresholds.classify(0.0)).isEqualTo(DriftStatus.Normal);
    assertThat(thresholds.classify(Math.nextDown(0.1))).isEqualTo(DriftStatus.Normal);
    assertThat(thresholds.classify(0.1)).isEqualTo(DriftStatus.Warning);
    assertThat(thresholds.classify(Math.nextDown(0.25))).isEqualTo(DriftStatus.Warning);
    assertThat(thresholds.classify(0.25)).isEqualTo(DriftStatus.Alert);
    assertThat(thresholds.classify(Double.POSITIVE_INFINITY)).isEqualTo(DriftStatus.Alert);
  }

  @Test
  void equalLevelsSkipWarning() {
    var thresholds = new DriftThresholds(0.2, 0.2);

    assertThat(thresholds.classify(Math.nextDown(0.2))).isEqualTo(DriftStatus.Normal);
    assertThat(thresholds.classify(0.2)).isEqualTo(DriftStatus.Alert);
  }

  @Test
  void levelsMustBeOrderedAndNonNegative() {
    assertThatThrownBy(() -> new DriftThresholds(-0.1, 0.2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0 <= warning <= threshold");
    assertThatThrownBy(() -> new DriftThresholds(0.3, 0.2))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new DriftThresholds(Double.NaN, 0.2))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void refusesToClassifyNaN() {
    assertThatThrownBy(() -> DriftThresholds.DEFAULT.classify(Double.NaN))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
