package io.modelship.operator.rollout.plan;

/**
 * Something a rollout did in this reconcile: becomes an Event and counts in the operator's metrics,
 * by kind and reason (typed, so nothing matches on message text).
 */
public record RolloutTransition(Kind kind, Reason reason, String message) {

  public enum Kind {
    STEP_ADVANCED,
    PAUSED,
    PROMOTED,
    ROLLED_BACK,
    ABORTED,
    RETRIED,
    REVERTED,
    SWITCHED;

    /** Kubernetes Event reason. */
    public String eventReason() {
      return switch (this) {
        case STEP_ADVANCED -> "StepAdvanced";
        case PAUSED -> "Paused";
        case PROMOTED -> "Promoted";
        case ROLLED_BACK -> "RolledBack";
        case ABORTED -> "Aborted";
        case RETRIED -> "Retried";
        case REVERTED -> "Reverted";
        case SWITCHED -> "Switched";
      };
    }

    public boolean warning() {
      return this == ROLLED_BACK || this == ABORTED || this == REVERTED;
    }
  }

  /** Why: what a dashboard splits the counts by. */
  public enum Reason {
    /** The steps (or the strategy) moved on by themselves. */
    STEPS,
    /** A manual-control annotation. */
    MANUAL,
    /** Judgements failed up to the failure limit. */
    ANALYSIS_FAILED,
    /** Pods of the new version not ready, crash-looping or unable to load the model. */
    READINESS_FAILED,
    /** No progress within progressDeadlineSeconds. */
    PROGRESS_DEADLINE,
    /** spec.model.version set back to the stable version. */
    SPEC_REVERTED,
    /** Blue-green auto-promotion timer. */
    AUTO_PROMOTION
  }
}
