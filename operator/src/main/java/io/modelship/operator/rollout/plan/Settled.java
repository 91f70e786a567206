package io.modelship.operator.rollout.plan;

import io.modelship.api.v1alpha1.spec.RolloutStrategy;
import io.modelship.api.v1alpha1.status.Phase;
import io.modelship.api.v1alpha1.status.RolloutOutcome;
import io.modelship.api.v1alpha1.status.RolloutRecord;
import io.modelship.api.v1alpha1.status.RolloutStatus;
import io.modelship.operator.rollout.plan.RolloutTransition.Kind;
import io.modelship.operator.rollout.plan.RolloutTransition.Reason;
import io.modelship.operator.rollout.traffic.VersionObservation;
import io.modelship.operator.text.Plural;
import java.util.List;
import java.util.Optional;

/** What canary and blue-green plans share when no new version is being rolled out. */
final class Settled {

  private Settled() {}

  /**
   * The first version, with nothing serving to compare it against, comes up as a rolling update.
   */
  static RolloutPlan firstVersion(RolloutStrategy strategy, RolloutInputs in) {
    RolloutPlan plan = new RollingUpdatePlanner().plan(in);
    return plan.with(RolloutState.settled(strategy, in.targetVersion(), in));
  }

  /**
   * The spec names the stable version. Anything else still running is left over from a rollout the
   * spec no longer asks for: it goes at once, with no analysis, and traffic is the stable's.
   */
  static RolloutPlan stable(RolloutStrategy strategy, RolloutInputs in) {
    String target = in.targetVersion();
    RolloutStatus prev = in.previous();
    boolean reverted =
        prev != null
            && prev.getOutcome() == null
            && prev.getStartedAt() != null
            && prev.getVersion() != null
            && !prev.getVersion().equals(target);
    Optional<RolloutRecord> record = Optional.empty();
    List<RolloutTransition> transitions = List.of();
    RolloutStatus status = RolloutState.settled(strategy, target, in);
    if (reverted) {
      String message =
          "spec.model.version set back to "
              + target
              + " during the rollout of "
              + prev.getVersion()
              + ": traffic back to "
              + target
              + " at once, no analysis";
      var r = new RolloutRecord();
      r.setVersion(prev.getVersion());
      r.setOutcome(RolloutOutcome.Aborted);
      r.setTime(RolloutState.time(in.now()));
      r.setMessage(message);
      record = Optional.of(r);
      transitions = List.of(new RolloutTransition(Kind.REVERTED, Reason.SPEC_REVERTED, message));
    }
    VersionObservation current = in.observed().get(target);
    boolean ready =
        current != null
            && current.readyReplicas() >= in.replicas()
            && current.updatedReplicas() >= in.replicas();
    String message =
        ready
            ? "Version " + target + " is ready with " + Plural.pods(current.readyReplicas())
            : "Version "
                + target
                + ": "
                + (current == null ? 0 : current.readyReplicas())
                + "/"
                + in.replicas()
                + " pods ready";
    return RolloutPlan.settled(
        new VersionTarget(target, in.autoscaled() ? null : in.replicas(), true),
        in.autoscaled(),
        ready ? Phase.Healthy : Phase.Progressing,
        !ready,
        message,
        ready ? "RolloutComplete" : "ScalingUp",
        status,
        record,
        transitions);
  }
}
