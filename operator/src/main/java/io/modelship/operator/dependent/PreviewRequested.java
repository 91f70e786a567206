package io.modelship.operator.dependent;

import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.modelship.api.v1alpha1.ModelDeployment;

/**
 * The preview Service exists while a blue-green plan names a preview version; otherwise it is
 * deleted.
 */
public class PreviewRequested
    implements Condition<io.fabric8.kubernetes.api.model.Service, ModelDeployment> {

  @Override
  public boolean isMet(
      DependentResource<io.fabric8.kubernetes.api.model.Service, ModelDeployment> dependentResource,
      ModelDeployment md,
      Context<ModelDeployment> context) {
    return ServingPlan.of(context).rollout().traffic().previewVersion() != null;
  }
}
