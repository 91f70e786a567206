package io.modelship.api.v1alpha1.spec;

/** What a {@link ScalingPolicy}'s value counts. */
public enum ScalingPolicyType {
  Pods,
  Percent
}
