package io.modelship.api.v1alpha1.status;

/** How a retraining run ended (Running while its Job runs). */
public enum RetrainingOutcome {
  Running,
  Succeeded,
  Failed,
  TimedOut,
  NoNewData
}
