package io.modelship.operator.retraining;

import io.modelship.api.v1alpha1.status.RetrainingOutcome;
import io.modelship.api.v1alpha1.status.RetrainingTrigger;
import java.util.Optional;

/**
 * One thing a user should hear of: a run started, a run ended, retraining cannot run. Typed, so the
 * metrics count by trigger and outcome and the Event reason is derived in one place.
 */
public record RetrainingEvent(
    Kind kind,
    Optional<RetrainingTrigger> trigger,
    Optional<RetrainingOutcome> outcome,
    String problemReason,
    String message) {

  public enum Kind {
    STARTED,
    ENDED,
    PROBLEM
  }

  static RetrainingEvent started(RetrainingTrigger trigger, String message) {
    return new RetrainingEvent(Kind.STARTED, Optional.of(trigger), Optional.empty(), null, message);
  }

  static RetrainingEvent ended(
      RetrainingTrigger trigger, RetrainingOutcome outcome, String message) {
    return new RetrainingEvent(
        Kind.ENDED, Optional.ofNullable(trigger), Optional.of(outcome), null, message);
  }

  static RetrainingEvent problem(String reason, String message) {
    return new RetrainingEvent(Kind.PROBLEM, Optional.empty(), Optional.empty(), reason, message);
  }

  /** The Kubernetes Event's reason, e.g. RetrainingStarted, RetrainingTimedOut. */
  public String reason() {
    return switch (kind) {
      case STARTED -> "RetrainingStarted";
      case ENDED -> "Retraining" + outcome.orElseThrow().name();
      case PROBLEM -> problemReason;
    };
  }

  /** Normal or Warning. */
  public String type() {
    boolean warning =
        kind == Kind.PROBLEM
            || outcome
                .filter(o -> o == RetrainingOutcome.Failed || o == RetrainingOutcome.TimedOut)
                .isPresent();
    return warning ? "Warning" : "Normal";
  }
}
