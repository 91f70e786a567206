package io.modelship.kubectl.view;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.time.Instant;

/** Number and age formatting shared by the views. */
final class Format {

  private Format() {}

  /** Three significant digits, no exponent, no trailing zeros: 0.004, 41.2, 1200. */
  static String number(Double value) {
    if (value == null) {
      return "-";
    }
    if (value.isNaN() || value.isInfinite()) {
      return value.toString();
    }
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      return Long.toString(value.longValue());
    }
    return new BigDecimal(value).round(new MathContext(3)).stripTrailingZeros().toPlainString();
  }

  static String percent(Integer value) {
    return value == null ? "-" : value + "%";
  }

  /** Age of a timestamp relative to now, like kubectl's AGE column. */
  static String age(Instant then, Instant now) {
    return then == null ? "-" : GoDuration.format(Duration.between(then, now));
  }
}
