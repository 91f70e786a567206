package io.modelship.operator.reconcile;

import io.fabric8.kubernetes.api.model.Condition;
import io.modelship.api.v1alpha1.ModelDeployment;
import io.modelship.api.v1alpha1.status.ModelDeploymentStatus;
import io.modelship.operator.status.Conditions;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The Kubernetes Events one status change deserves beyond the rollout's own transitions (which the
 * plan names); nothing when nothing changed.
 */
public final class TransitionEvents {

  /** One Event to record on the ModelDeployment. */
  public record Transition(String type, String reason, String message) {}

  private TransitionEvents() {}

  public static List<Transition> between(
      ModelDeployment md, ModelDeploymentStatus before, ModelDeploymentStatus after) {
    var events = new ArrayList<Transition>();
    String version = md.getSpec().getModel().getVersion();
    if (before == null || before.getObservedGeneration() == null) {
      events.add(
          new Transition("Normal", "Created", "Serving resources created for version " + version));
    } else if (!Objects.equals(before.getObservedGeneration(), after.getObservedGeneration())
        && "True".equals(Conditions.statusOf(after.getConditions(), Conditions.PROGRESSING))
        && !version.equals(after.getStableVersion())) {
      events.add(new Transition("Normal", "RolloutStarted", "Rolling out version " + version));
    }
    var previous = before == null ? null : before.getConditions();
    changed(previous, after, Conditions.READY)
        .ifPresent(
            c ->
                events.add(
                    "True".equals(c.getStatus())
                        ? new Transition("Normal", "Ready", c.getMessage())
                        : new Transition("Warning", c.getReason(), c.getMessage())));
    changed(previous, after, Conditions.UNVERIFIED_MODEL)
        .ifPresent(c -> events.add(new Transition("Warning", c.getReason(), c.getMessage())));
    changed(previous, after, Conditions.DRIFTED)
        .filter(c -> "True".equals(c.getStatus()))
        .ifPresent(c -> events.add(new Transition("Warning", "DriftDetected", c.getMessage())));
    return events;
  }

  private static Optional<Condition> changed(
      List<Condition> previous, ModelDeploymentStatus after, String type) {
    String before = Conditions.statusOf(previous, type);
    return Conditions.find(after.getConditions(), type)
        .filter(
            c ->
                !c.getStatus().equals(before)
                    || !Objects.equals(reason(previous, type), c.getReason()));
  }

  private static String reason(List<Condition> conditions, String type) {
    return Conditions.find(conditions, type).map(Condition::getReason).orElse(null);
  }
}
