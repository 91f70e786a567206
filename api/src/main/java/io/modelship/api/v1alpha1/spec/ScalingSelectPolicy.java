package io.modelship.api.v1alpha1.spec;

/** Which of a direction's policies wins. */
public enum ScalingSelectPolicy {
  Max,
  Min,
  Disabled
}
