package io.modelship.api.v1alpha1.status;

/** Outcome of judging one metric, or a whole judgement. */
public enum Verdict {
  Pass,
  Fail,
  /** Too little traffic to decide: the rollout waits. */
  Inconclusive
}
