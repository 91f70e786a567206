package io.modelship.operator.retraining;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The durations of spec.retraining ({@code 30m}, {@code 6h}, {@code 7d}, {@code 1d12h}), as its CRD
 * pattern admits them: the rollout's durations plus days, which a data window and a cooldown need.
 */
final class RetrainingDurations {

  private static final Pattern PART = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(ms|s|m|h|d)");

  private RetrainingDurations() {}

  /**
   * @throws IllegalArgumentException naming the field and the text when it is not a duration
   */
  static Duration parse(String field, String text) {
    Matcher m = PART.matcher(text == null ? "" : text.trim());
    double millis = 0;
    int end = 0;
    String trimmed = text == null ? "" : text.trim();
    while (m.find() && m.start() == end) {
      double value = Double.parseDouble(m.group(1));
      millis +=
          value
              * switch (m.group(2)) {
                case "ms" -> 1;
                case "s" -> 1_000;
                case "m" -> 60_000;
                case "h" -> 3_600_000;
                default -> 86_400_000;
              };
      end = m.end();
    }
    if (trimmed.isEmpty() || end != trimmed.length()) {
      throw new IllegalArgumentException(
          field + " '" + text + "' is not a duration like 30m, 6h or 7d");
    }
    return Duration.ofMillis(Math.round(millis));
  }

  /** Short form for messages: 1d6h, 30m, 45s. */
  static String format(Duration d) {
    long seconds = Math.max(0, d.toSeconds());
    long days = seconds / 86_400;
    long h = seconds % 86_400 / 3600;
    long m = seconds % 3600 / 60;
    long s = seconds % 60;
    var out = new StringBuilder();
    if (days > 0) {
      out.append(days).append('d');
    }
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
