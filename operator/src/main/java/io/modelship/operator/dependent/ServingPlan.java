package io.modelship.operator.dependent;

import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.modelship.api.v1alpha1.ModelDeployment;
import io.modelship.operator.rollout.plan.RolloutPlan;
import io.modelship.operator.settings.OperatorSettings;
import io.modelship.operator.validation.ModelLocation;

/**
 * The reconciler's decisions for this pass, handed to the dependents through the context so each
 * {@code desired()} is a pure function of the resource and this plan.
 */
public record ServingPlan(OperatorSettings settings, RolloutPlan rollout, ModelLocation location) {

  public void attachTo(Context<ModelDeployment> context) {
    context.managedWorkflowAndDependentResourceContext().put(ServingPlan.class, this);
  }

  public static ServingPlan of(Context<ModelDeployment> context) {
    return context
        .managedWorkflowAndDependentResourceContext()
        .getMandatory(ServingPlan.class, ServingPlan.class);
  }
}
