package io.modelship.operator.rollout.analysis;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The spec's durations ({@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h30m}), as the CRD pattern
 * admits them.
 */
public final class Durations {

  private static final Pattern PART = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(ms|s|m|h)");

  private Durations() {}

  /**
   * @throws IllegalArgumentException naming the text when it is not a duration
   */
  public static Duration parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("empty duration");
    }
    Matcher m = PART.matcher(text);
    double millis = 0;
    int end = 0;
    while (m.find()) {
      if (m.start() != end) {
        break;
      }
      double value = Double.parseDouble(m.group(1));
      millis +=
          switch (m.group(2)) {
            case "ms" -> value;
            case "s" -> value * 1_000;
            case "m" -> value * 60_000;
            default -> value * 3_600_000;
          };
      end = m.end();
    }
    if (end != text.length()) {
      throw new IllegalArgumentException("'" + text + "' is not a duration like 30s, 2m or 1h30m");
    }
    return Duration.ofMillis(Math.round(millis));
  }

  public static Duration parseOr(String text, Duration fallback) {
    return text == null || text.isBlank() ? fallback : parse(text);
  }

  /** Short form for messages and status: 90s → 1m30s, 30s, 250ms. */
  public static String format(Duration d) {
    long millis = d.toMillis();
    if (millis < 1000) {
      return millis + "ms";
    }
    long seconds = Math.round(millis / 1000.0);
    long h = seconds / 3600;
    long m = seconds % 3600 / 60;
    long s = seconds % 60;
    var out = new StringBuilder();
    if (h > 0) {
      out.append(h).append('h');
    }
    if (m > 0) {
      out.append(m).append('m');
    }
    if (s > 0 || out.isEmpty()) {
      out.append(s).append('s');
    }
    return out.toString();
  }
}
