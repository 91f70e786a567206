package io.modelship.operator.dependent;

import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.modelship.api.v1alpha1.ModelDeployment;

/** The HPA exists only while the spec asks for autoscaling; otherwise it is removed. */
public class AutoscalingRequested implements Condition<HorizontalPodAutoscaler, ModelDeployment> {

  @Override
  public boolean isMet(
      DependentResource<HorizontalPodAutoscaler, ModelDeployment> dependentResource,
      ModelDeployment md,
      Context<ModelDeployment> context) {
    return md.getSpec().getAutoscaling() != null
        && ServingPlan.of(context).rollout().autoscaledVersion() != null;
  }
}
