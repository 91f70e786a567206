package io.modelship.api.v1alpha1.status;

/** Where a ModelDeployment stands, as printed by {@code kubectl get md}. */
public enum Phase {
  Pending,
  Progressing,
  Paused,
  Healthy,
  Degraded,
  Failed
}
