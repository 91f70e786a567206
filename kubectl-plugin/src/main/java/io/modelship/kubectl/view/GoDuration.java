package io.modelship.kubectl.view;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as the spec writes them ("30s", "2m", "1h30m", "500ms") and as the plugin prints them.
 */
public final class GoDuration {

  private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|h|m|s)");

  private GoDuration() {}

  /** The duration, or null when the text is not one. */
  public static Duration parse(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    Matcher m = PART.matcher(text.trim());
    Duration total = Duration.ZERO;
    int end = 0;
    while (m.find()) {
      if (m.start() != end) {
        return null;
      }
      end = m.end();
      double amount = Double.parseDouble(m.group(1));
      long millis =
          switch (m.group(2)) {
            case "h" -> Math.round(amount * 3_600_000);
            case "m" -> Math.round(amount * 60_000);
            case "s" -> Math.round(amount * 1000);
            default -> Math.round(amount);
          };
      total = total.plusMillis(millis);
    }
    return end == text.trim().length() && end > 0 ? total : null;
  }

  /** Short human form: 45s, 2m10s, 3h5m, 2d4h. */
  public static String format(Duration duration) {
    long s = Math.max(0, duration.toSeconds());
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      // Seconds matter for pauses of a few minutes, not beyond (kubectl's AGE does the same).
      return (s / 60) + "m" + (s % 60 == 0 || s >= 600 ? "" : (s % 60) + "s");
    }
    if (s < 86_400) {
      return (s / 3600) + "h" + ((s % 3600) / 60 == 0 ? "" : ((s % 3600) / 60) + "m");
    }
    return (s / 86_400) + "d" + ((s % 86_400) / 3600 == 0 ? "" : ((s % 86_400) / 3600) + "h");
  }
}
