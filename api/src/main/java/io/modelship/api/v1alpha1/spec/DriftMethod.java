package io.modelship.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Score comparing live distributions with the reference. */
public enum DriftMethod {
  @JsonProperty("psi")
  PSI,
  @JsonProperty("ks")
  KS
}
