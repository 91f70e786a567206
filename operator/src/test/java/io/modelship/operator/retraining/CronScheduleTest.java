package io.modelship.operator.retraining;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CronScheduleTest {

  @ParameterizedTest(name = "{0} after {1} is {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        // weekly, Sunday 03:00 (2026-12-06 is a Sunday)
        "0 3 * * 0      | 2026-12-06T03:00:00Z | 2026-12-13T03:00:00Z",
        "0 3 * * 0      | 2026-12-09T10:00:00Z | 2026-12-13T03:00:00Z",
        "0 3 * * SUN    | 2026-12-05T23:59:59Z | 2026-12-06T03:00:00Z",
        "0 3 * * 7      | 2026-12-05T23:59:59Z | 2026-12-06T03:00:00Z",
        // every quarter hour, seconds ignored
        "*/15 * * * *   | 2026-12-07T08:14:59Z | 2026-12-07T08:15:00Z",
        "*/15 * * * *   | 2026-12-07T08:15:00Z | 2026-12-07T08:30:00Z",
        // monthly, across a year end
        "0 0 1 * *      | 2026-12-07T08:00:00Z | 2027-01-01T00:00:00Z",
        // weekdays by name range, Friday evening to Monday
        "30 2 * * MON-FRI | 2026-12-11T03:00:00Z | 2026-12-14T02:30:00Z",
        // both day fields restricted: the 13th or a Friday, whichever comes first
        "0 0 13 * 5     | 2026-12-07T00:00:00Z | 2026-12-11T00:00:00Z",
        "0 0 13 * 5     | 2026-12-11T00:00:00Z | 2026-12-13T00:00:00Z",
        // a list and a stepped range
        "0 8-18/5,23 * * * | 2026-12-07T13:00:00Z | 2026-12-07T18:00:00Z",
        // Feb 29 only
        "0 0 29 FEB *   | 2026-12-07T00:00:00Z | 2028-02-29T00:00:00Z"
      })
  void nextTime(String cron, String after, String expected) {
    assertThat(CronSchedule.parse(cron).next(Instant.parse(after)))
        .contains(Instant.parse(expected));
  }

  @ParameterizedTest(name = "{0} at or before {1} is {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "0 3 * * 0    | 2026-12-09T10:00:00Z | 2026-12-06T03:00:00Z",
        "0 3 * * 0    | 2026-12-06T03:00:00Z | 2026-12-06T03:00:00Z",
        "*/15 * * * * | 2026-12-07T08:14:59Z | 2026-12-07T08:00:00Z",
        "0 0 1 * *    | 2026-12-07T08:00:00Z | 2026-12-01T00:00:00Z",
        "0 0 1 JAN *  | 2026-12-07T08:00:00Z | 2026-01-01T00:00:00Z"
      })
  void previousTime(String cron, String atOrBefore, String expected) {
    assertThat(CronSchedule.parse(cron).previous(Instant.parse(atOrBefore)))
        .contains(Instant.parse(expected));
  }

  @Test
  void aScheduleThatNeverMatchesHasNoNextTime() {
    assertThat(CronSchedule.parse("0 0 30 2 *").next(Instant.parse("2026-12-07T00:00:00Z")))
        .isEmpty();
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "61 * * * *  | the minute 61 is outside 0-59",
        "* * *       | five fields",
        "x * * * *   | the minute field has 'x', not a number",
        "5-1 * * * * | the minute range 5-1 runs backwards",
        "* * * FOO * | the month field has 'FOO', not a number or a name",
        "*/0 * * * * | the minute 0 is outside 1-59"
      })
  void aBadScheduleIsNamed(String cron, String message) {
    assertThatThrownBy(() -> CronSchedule.parse(cron))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }
}
