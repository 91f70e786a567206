package io.modelship.operator.rollout;

import io.modelship.api.v1alpha1.spec.RolloutStrategy;

/** Decides which versions run with how many pods; a pure function so it can be table-tested. */
public interface RolloutPlanner {

  RolloutPlan plan(RolloutInputs inputs);

  /**
   * The planner for a strategy. Canary and BlueGreen get their own planners in the next
   * iteration; until then they roll like RollingUpdate, which never drops requests.
   */
  static RolloutPlanner forStrategy(RolloutStrategy strategy) {
    return new RollingUpdatePlanner();
  }
}
