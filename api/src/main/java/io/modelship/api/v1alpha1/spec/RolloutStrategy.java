package io.modelship.api.v1alpha1.spec;

/** How a change of the model version reaches traffic. */
public enum RolloutStrategy {
  Canary,
  BlueGreen,
  RollingUpdate
}
