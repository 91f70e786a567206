package io.modelship.api.v1alpha1.status;

/** What started a retraining run. */
public enum RetrainingTrigger {
  Drift,
  AccuracyDrop,
  Schedule,
  Manual
}
