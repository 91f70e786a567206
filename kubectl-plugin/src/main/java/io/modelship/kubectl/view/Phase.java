package io.modelship.kubectl.view;

import java.util.Arrays;

/**
 * status.phase as the operator writes it; UNKNOWN when there is no status (yet) or a newer value.
 */
public enum Phase {
  PENDING("Pending"),
  PROGRESSING("Progressing"),
  PAUSED("Paused"),
  HEALTHY("Healthy"),
  DEGRADED("Degraded"),
  FAILED("Failed"),
  UNKNOWN("Unknown");

  private final String text;

  Phase(String text) {
    this.text = text;
  }

  public String text() {
    return text;
  }

  static Phase parse(String value) {
    return Arrays.stream(values()).filter(p -> p.text.equals(value)).findFirst().orElse(UNKNOWN);
  }
}
