package io.modelship.operator.dependent;

import io.fabric8.kubernetes.api.model.Service;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.modelship.api.v1alpha1.ModelDeployment;
import io.modelship.operator.rollout.traffic.GatewayApiRoute;

/** Per-version Services exist only while the canary routes through a Gateway API HTTPRoute. */
public class GatewayRequested implements Condition<Service, ModelDeployment> {

  @Override
  public boolean isMet(
      DependentResource<Service, ModelDeployment> dependentResource,
      ModelDeployment md,
      Context<ModelDeployment> context) {
    return GatewayApiRoute.routeName(md).isPresent();
  }
}
