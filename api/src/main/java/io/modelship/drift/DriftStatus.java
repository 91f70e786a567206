package io.modelship.drift;

/**
 * How far a distribution has moved from its reference; the names appear as-is in the resource
 * status.
 */
public enum DriftStatus {
  Normal,
  Warning,
  Alert,
  /** Fewer than minSamples rows (or feedbacks) so far: no verdict, never an alarm. */
  InsufficientData
}
