package io.modelship.operator.validation;

import io.modelship.api.v1alpha1.spec.CanaryStep;
import io.modelship.api.v1alpha1.spec.RolloutSpec;
import io.modelship.api.v1alpha1.spec.RolloutStrategy;
import io.modelship.operator.problem.Problem;
import io.modelship.operator.rollout.analysis.Durations;
import java.util.List;
import java.util.Optional;

/**
 * What the schema cannot say about a rollout spec. A problem stops the reconcile before any child
 * changes, so a spec asking for something the operator cannot do never silently does something
 * else.
 */
public final class RolloutValidation {

  private RolloutValidation() {}

  public static Optional<Problem> problem(RolloutSpec rollout) {
    if (rollout == null || rollout.getStrategy() != RolloutStrategy.Canary) {
      return analysisProblem(rollout);
    }
    if (rollout.getCanary() == null) {
      return Optional.of(
          new Problem("InvalidRollout", "strategy Canary needs spec.rollout.canary"));
    }
    boolean gateway =
        rollout.getCanary().getTrafficRouting() != null
            && rollout.getCanary().getTrafficRouting().getGatewayAPI() != null;
    List<CanaryStep> steps =
        rollout.getCanary().getSteps() == null ? List.of() : rollout.getCanary().getSteps();
    for (int i = 0; i < steps.size(); i++) {
      CanaryStep step = steps.get(i);
      if (!gateway && (step.getSetMirror() != null || step.getSetHeaderRoute() != null)) {
        return Optional.of(
            new Problem(
                "InvalidRollout",
                "spec.rollout.canary.steps["
                    + i
                    + "]: "
                    + (step.getSetMirror() != null ? "setMirror" : "setHeaderRoute")
                    + " needs spec.rollout.canary.trafficRouting.gatewayAPI; the replica ratio on the Service can only split by weight"));
      }
      if (step.getPause() != null && step.getPause().getDuration() != null) {
        try {
          Durations.parse(step.getPause().getDuration());
        } catch (IllegalArgumentException e) {
          return Optional.of(
              new Problem(
                  "InvalidRollout",
                  "spec.rollout.canary.steps[" + i + "].pause.duration: " + e.getMessage()));
        }
      }
    }
    return analysisProblem(rollout);
  }

  private static Optional<Problem> analysisProblem(RolloutSpec rollout) {
    if (rollout == null || rollout.getAnalysis() == null) {
      return Optional.empty();
    }
    for (var field :
        List.of(
            new String[] {"interval", rollout.getAnalysis().getInterval()},
            new String[] {"initialDelay", rollout.getAnalysis().getInitialDelay()})) {
      try {
        Durations.parseOr(field[1], java.time.Duration.ZERO);
      } catch (IllegalArgumentException e) {
        return Optional.of(
            new Problem(
                "InvalidRollout", "spec.rollout.analysis." + field[0] + ": " + e.getMessage()));
      }
    }
    return Optional.empty();
  }
}
