package io.modelship.drift;

import java.util.Locale;

/** Which statistic decides drift status and score ({@code spec.monitoring.drift.method}). */
public enum DriftStatistic {
  PSI,
  KS;

  public double of(double psi, double ks) {
    return this == PSI ? psi : ks;
  }

  /** Parses {@code psi} or {@code ks} (any case). */
  public static DriftStatistic parse(String name) {
    try {
      return valueOf(name.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("drift method must be psi or ks, got '" + name + "'");
    }
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
