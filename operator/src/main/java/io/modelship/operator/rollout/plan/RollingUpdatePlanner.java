package io.modelship.operator.rollout.plan;

import io.modelship.api.v1alpha1.status.Phase;
import io.modelship.api.v1alpha1.status.RolloutOutcome;
import io.modelship.api.v1alpha1.status.RolloutRecord;
import io.modelship.operator.rollout.traffic.VersionObservation;
import io.modelship.operator.text.Plural;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A version change brings the new version's Deployment up at full size next to the old one, and
 * only when all its pods are ready do the old version's pods go. The shared Service selects both,
 * so requests keep being answered throughout. Inside one Deployment, template changes roll with
 * maxUnavailable 0 for the same reason.
 */
public final class RollingUpdatePlanner implements RolloutPlanner {

  @Override
  public RolloutPlan plan(RolloutInputs in) {
    String target = in.targetVersion();
    VersionObservation current = in.observed().get(target);
    List<VersionObservation> others =
        in.observed().values().stream()
            .filter(o -> !o.version().equals(target))
            .sorted(Comparator.comparing(VersionObservation::version))
            .toList();

    boolean handover = !others.isEmpty();
    Integer targetReplicas = targetReplicas(in, others);
    int wanted = targetReplicas != null ? targetReplicas : in.replicas();
    boolean targetReady =
        current != null && current.readyReplicas() >= wanted && current.updatedReplicas() >= wanted;

    if (targetReady) {
      Integer settled = in.autoscaled() ? null : in.replicas();
      String message =
          handover
              ? "Version " + target + " is ready; retiring " + versions(others)
              : "Version " + target + " is ready with " + Plural.pods(current.readyReplicas());
      Optional<RolloutRecord> outcome = Optional.empty();
      List<RolloutTransition> transitions = List.of();
      if (!target.equals(in.stableVersion())) {
        String why =
            in.stableVersion() == null
                ? "First version ready"
                : "Replaced version " + in.stableVersion();
        outcome = Optional.of(RolloutState.record(target, RolloutOutcome.Promoted, why, in));
        transitions =
            List.of(
                new RolloutTransition(
                    RolloutTransition.Kind.PROMOTED,
                    RolloutTransition.Reason.STEPS,
                    "Version " + target + " is stable"));
      }
      return RolloutPlan.settled(
          new VersionTarget(target, settled, true),
          in.autoscaled(),
          Phase.Healthy,
          handover,
          message,
          handover ? "RollingOut" : "RolloutComplete",
          null,
          outcome,
          transitions);
    }

    var targets = new ArrayList<VersionTarget>();
    targets.add(new VersionTarget(target, targetReplicas, true));
    for (VersionObservation other : others) {
      // Kept exactly as they run: their template belongs to a spec that no longer exists.
      targets.add(new VersionTarget(other.version(), other.replicas(), false));
    }
    String stable =
        in.stableVersion() != null && in.observed().containsKey(in.stableVersion())
            ? in.stableVersion()
            : null;
    String autoscaledVersion = null;
    if (in.autoscaled()) {
      autoscaledVersion = handover && stable != null && !stable.equals(target) ? stable : target;
    }
    int ready = current == null ? 0 : current.readyReplicas();
    String message =
        handover
            ? "Rolling out version "
                + target
                + ": "
                + ready
                + "/"
                + wanted
                + " pods ready; "
                + versions(others)
                + " keeps serving"
            : "Waiting for version " + target + ": " + ready + "/" + wanted + " pods ready";
    Phase phase = in.observed().isEmpty() ? Phase.Pending : Phase.Progressing;
    return RolloutPlan.rollingUpdate(targets, stable, autoscaledVersion, phase, true, message);
  }

  /**
   * While an old version still serves, the new Deployment gets an explicit size matching the old
   * one so the handover keeps capacity; afterwards an HPA owns the count.
   */
  private static Integer targetReplicas(RolloutInputs in, List<VersionObservation> others) {
    if (!in.autoscaled()) {
      return in.replicas();
    }
    if (others.isEmpty()) {
      return null;
    }
    int largest = others.stream().mapToInt(VersionObservation::replicas).max().orElse(0);
    return Math.max(in.replicas(), largest);
  }

  private static String versions(List<VersionObservation> others) {
    return String.join(", ", others.stream().map(VersionObservation::version).toList());
  }
}
