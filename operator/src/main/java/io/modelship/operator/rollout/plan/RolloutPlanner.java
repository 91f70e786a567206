package io.modelship.operator.rollout.plan;

import io.modelship.api.v1alpha1.spec.RolloutSpec;
import io.modelship.api.v1alpha1.spec.RolloutStrategy;

/**
 * Decides which versions run with how many pods and where traffic goes; pure, so it can be
 * table-tested: (spec, observed, last {@code status.rollout}) in {@link RolloutInputs}, (plan, new
 * {@code status.rollout}) out in {@link RolloutPlan}; the last status is never changed.
 */
public interface RolloutPlanner {

  RolloutPlan plan(RolloutInputs inputs);

  /** The planner for the whole rollout spec: its strategy, RollingUpdate when absent. */
  static RolloutPlanner forSpec(RolloutSpec rollout) {
    RolloutStrategy strategy =
        rollout == null || rollout.getStrategy() == null
            ? RolloutStrategy.RollingUpdate
            : rollout.getStrategy();
    return switch (strategy) {
      case Canary -> new CanaryPlanner();
      case BlueGreen -> new BlueGreenPlanner();
      case RollingUpdate -> new RollingUpdatePlanner();
    };
  }
}
