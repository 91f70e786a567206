package io.modelship.api.v1alpha1.status;

/** How a rollout ended. */
public enum RolloutOutcome {
  Promoted,
  RolledBack,
  Aborted
}
