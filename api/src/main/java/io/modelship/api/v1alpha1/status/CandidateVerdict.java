package io.modelship.api.v1alpha1.status;

/** A candidate against the serving version on the same held-out recent rows. */
public enum CandidateVerdict {
  Better,
  NotBetter
}
