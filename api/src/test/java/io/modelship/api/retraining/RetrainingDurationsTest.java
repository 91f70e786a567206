package io.modelship.api.retraining;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RetrainingDurationsTest {

  @ParameterizedTest
  @CsvSource({
    "7d, 604800000",
    "6h, 21600000",
    "1d12h, 129600000",
    "30m, 1800000",
    "1.5h, 5400000",
    "250ms, 250",
    " 45s , 45000"
  })
  void parsesWhatTheCrdPatternAdmits(String text, long millis) {
    assertThat(RetrainingDurations.parse("spec.retraining.cooldown", text))
        .isEqualTo(Duration.ofMillis(millis));
    assertThat(text.trim()).matches(RetrainingDurations.PATTERN);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "7", "7w", "d", "6h junk", "-1h", "1h-"})
  void refusesOtherTextNamingTheField(String text) {
    assertThatThrownBy(() -> RetrainingDurations.parse("spec.retraining.data.window", text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "spec.retraining.data.window '" + text + "' is not a duration like 30m, 6h or 7d");
  }

  @ParameterizedTest
  @CsvSource({"604800, 7d", "21600, 6h", "129600, 1d12h", "3600, 1h", "5445, 1h30m45s", "0, 0s"})
  void formatsTheWayTheSpecIsWritten(long seconds, String text) {
    assertThat(RetrainingDurations.format(Duration.ofSeconds(seconds))).isEqualTo(text);
    assertThat(RetrainingDurations.parse("x", text)).isEqualTo(Duration.ofSeconds(seconds));
  }
}
