package io.modelship.api.retraining;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The duration defaults are written as a user writes them in the spec, and parse to the same. */
class RetrainingDefaultsTest {

  @Test
  void durationDefaultsAreTheSpecsOwnSpelling() {
    assertThat(RetrainingDefaults.COOLDOWN).isEqualTo(Duration.ofHours(6));
    assertThat(RetrainingDefaults.WINDOW).isEqualTo(Duration.ofDays(7));
    assertThat(RetrainingDurations.format(RetrainingDefaults.WINDOW))
        .isEqualTo(RetrainingDefaults.WINDOW_TEXT);
    assertThat(RetrainingDurations.format(RetrainingDefaults.COOLDOWN))
        .isEqualTo(RetrainingDefaults.COOLDOWN_TEXT);
    assertThat(RetrainingDefaults.COOLDOWN_TEXT).matches(RetrainingDurations.PATTERN);
    assertThat(RetrainingDefaults.WINDOW_TEXT).matches(RetrainingDurations.PATTERN);
  }
}
