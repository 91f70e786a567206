package io.modelship.runtime.config;

import java.time.Duration;

/**
 * The durations the runtime reads from its environment and flags, one syntax for all of them; a
 * leaf package, so the server's configuration and the pieces it configures (the sink, the CLI) can
 * all use it without depending on each other.
 */
public final class Durations {

  private Durations() {}

  /**
   * {@code 30s}, {@code 5m}, {@code 1h}, {@code 500ms}, a plain number of seconds, or ISO-8601
   * ({@code PT5M}).
   */
  public static Duration parse(String value, Duration fallback, String name) {
    if (value == null) {
      return fallback;
    }
    try {
      Duration d;
      var m =
          java.util.regex.Pattern.compile("(\\d+)(ms|s|m|h)?")
              .matcher(value.toLowerCase(java.util.Locale.ROOT));
      if (m.matches()) {
        long n = Long.parseLong(m.group(1));
        d =
            switch (m.group(2) == null ? "s" : m.group(2)) {
              case "ms" -> Duration.ofMillis(n);
              case "m" -> Duration.ofMinutes(n);
              case "h" -> Duration.ofHours(n);
              default -> Duration.ofSeconds(n);
            };
      } else {
        d = Duration.parse(value);
      }
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, got '" + value + "'");
      }
      return d;
    } catch (java.time.format.DateTimeParseException | ArithmeticException e) {
      throw new IllegalArgumentException(
          name + " must be a duration like 30s, 5m or PT5M, got '" + value + "'");
    }
  }
}
