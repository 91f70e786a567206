package io.modelship.api.v1alpha1.status;

/** Severity of a drift or accuracy score against its thresholds. */
public enum DriftLevel {
  Normal,
  Warning,
  Alert,
  InsufficientData
}
