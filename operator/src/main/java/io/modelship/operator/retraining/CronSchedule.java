package io.modelship.operator.retraining;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A five-field cron schedule ({@code minute hour day-of-month month day-of-week}) in UTC, as
 * CronJobs read it: {@code *}, numbers, ranges {@code a-b}, lists {@code a,b}, steps {@code * /n}
 * and {@code a-b/n}, month names {@code JAN}…{@code DEC}, day names {@code SUN}…{@code SAT} and
 * {@code 7} for Sunday. When both day fields are restricted a day matches either (Vixie cron's
 * rule). No library: five fields are a page of code, and a dependency would be the operator image's
 * size.
 *
 * <p>Worked example: {@code 0 3 * * 0} is every Sunday at 03:00 UTC; after Sunday 2026-12-06 03:00
 * the next time is 2026-12-13T03:00Z, and the latest at or before Wednesday 2026-12-09 is
 * 2026-12-06T03:00Z.
 */
public final class CronSchedule {

  /** Beyond this a schedule that matches nothing (Feb 30) is said never to fire. */
  private static final long HORIZON_DAYS = 366L * 5;

  private static final List<String> MONTHS =
      List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC");
  private static final List<String> DAYS = List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");

  private final String text;
  private final BitSet minutes;
  private final BitSet hours;
  private final BitSet daysOfMonth;
  private final BitSet months;
  private final BitSet daysOfWeek;
  private final boolean anyDayOfMonth;
  private final boolean anyDayOfWeek;

  private CronSchedule(String text, String[] fields) {
    this.text = text;
    minutes = field(fields[0], "minute", 0, 59, List.of(), 0);
    hours = field(fields[1], "hour", 0, 23, List.of(), 0);
    daysOfMonth = field(fields[2], "day of month", 1, 31, List.of(), 1);
    months = field(fields[3], "month", 1, 12, MONTHS, 1);
    BitSet dow = field(fields[4], "day of week", 0, 7, DAYS, 0);
    if (dow.get(7)) {
      dow.set(0);
      dow.clear(7);
    }
    daysOfWeek = dow;
    anyDayOfMonth = fields[2].startsWith("*");
    anyDayOfWeek = fields[4].startsWith("*");
  }

  /**
   * @throws IllegalArgumentException naming the field and what is wrong with it
   */
  public static CronSchedule parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("the schedule is empty");
    }
    String[] fields = text.trim().split("\\s+");
    if (fields.length != 5) {
      throw new IllegalArgumentException(
          "a schedule has five fields (minute hour day-of-month month day-of-week), this one has "
              + fields.length);
    }
    return new CronSchedule(text.trim(), fields);
  }

  /** The first scheduled time strictly after {@code after}, if any within five years. */
  public Optional<Instant> next(Instant after) {
    LocalDateTime t =
        LocalDateTime.ofInstant(after, ZoneOffset.UTC)
            .truncatedTo(ChronoUnit.MINUTES)
            .plusMinutes(1);
    LocalDateTime limit = t.plusDays(HORIZON_DAYS);
    while (t.isBefore(limit)) {
      if (!months.get(t.getMonthValue())) {
        t = t.withDayOfMonth(1).withHour(0).withMinute(0).plusMonths(1);
      } else if (!dayMatches(t)) {
        t = t.withHour(0).withMinute(0).plusDays(1);
      } else if (!hours.get(t.getHour())) {
        t = t.withMinute(0).plusHours(1);
      } else if (!minutes.get(t.getMinute())) {
        t = t.plusMinutes(1);
      } else {
        return Optional.of(t.toInstant(ZoneOffset.UTC));
      }
    }
    return Optional.empty();
  }

  /** The latest scheduled time at or before {@code atOrBefore}, if any within five years. */
  public Optional<Instant> previous(Instant atOrBefore) {
    LocalDateTime t =
        LocalDateTime.ofInstant(atOrBefore, ZoneOffset.UTC).truncatedTo(ChronoUnit.MINUTES);
    LocalDateTime limit = t.minusDays(HORIZON_DAYS);
    while (t.isAfter(limit)) {
      if (!months.get(t.getMonthValue())) {
        t = t.withDayOfMonth(1).withHour(0).withMinute(0).minusMinutes(1);
      } else if (!dayMatches(t)) {
        t = t.withHour(0).withMinute(0).minusMinutes(1);
      } else if (!hours.get(t.getHour())) {
        t = t.withMinute(0).minusMinutes(1);
      } else if (!minutes.get(t.getMinute())) {
        t = t.minusMinutes(1);
      } else {
        return Optional.of(t.toInstant(ZoneOffset.UTC));
      }
    }
    return Optional.empty();
  }

  private boolean dayMatches(LocalDateTime t) {
    boolean dom = daysOfMonth.get(t.getDayOfMonth());
    boolean dow = daysOfWeek.get(t.getDayOfWeek().getValue() % 7);
    if (anyDayOfMonth || anyDayOfWeek) {
      return dom && dow;
    }
    return dom || dow;
  }

  @Override
  public String toString() {
    return text;
  }

  private static BitSet field(
      String text, String name, int min, int max, List<String> names, int nameOffset) {
    var bits = new BitSet(max + 1);
    for (String part : text.split(",", -1)) {
      int step = 1;
      String range = part;
      int slash = part.indexOf('/');
      if (slash >= 0) {
        step = number(part.substring(slash + 1), name, 1, max, List.of(), 0);
        range = part.substring(0, slash);
      }
      int from;
      int to;
      if (range.equals("*")) {
        from = min;
        to = max == 7 ? 6 : max;
      } else if (range.indexOf('-') > 0) {
        int dash = range.indexOf('-');
        from = number(range.substring(0, dash), name, min, max, names, nameOffset);
        to = number(range.substring(dash + 1), name, min, max, names, nameOffset);
        if (to < from) {
          throw new IllegalArgumentException("the " + name + " range " + range + " runs backwards");
        }
      } else {
        from = number(range, name, min, max, names, nameOffset);
        // "5/15" means from 5 to the end in steps of 15
        to = slash >= 0 ? (max == 7 ? 6 : max) : from;
      }
      for (int i = from; i <= to; i += step) {
        bits.set(i);
      }
    }
    return bits;
  }

  private static int number(
      String text, String name, int min, int max, List<String> names, int nameOffset) {
    int index = names.indexOf(text.toUpperCase(Locale.ROOT));
    if (index >= 0) {
      return index + nameOffset;
    }
    int value;
    try {
      value = Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "the "
              + name
              + " field has '"
              + text
              + "', not a number"
              + (names.isEmpty() ? "" : " or a name"));
    }
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          "the " + name + " " + value + " is outside " + min + "-" + max);
    }
    return value;
  }
}
