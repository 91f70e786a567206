package io.modelship.operator.dependent;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.modelship.api.v1alpha1.ModelDeployment;

/**
 * At most one serving pod evicted at a time. maxUnavailable rather than minAvailable so a
 * single-replica model never blocks a node drain.
 */
@KubernetesDependent(informer = @Informer(labelSelector = ServingNames.MANAGED_SELECTOR))
public class ServingDisruptionBudget
    extends CRUDKubernetesDependentResource<PodDisruptionBudget, ModelDeployment> {

  public ServingDisruptionBudget() {
    super(PodDisruptionBudget.class);
  }

  @Override
  protected PodDisruptionBudget desired(ModelDeployment md, Context<ModelDeployment> context) {
    return desired(md);
  }

  public static PodDisruptionBudget desired(ModelDeployment md) {
    return new PodDisruptionBudgetBuilder()
        .withMetadata(ServingNames.childMetadata(md, md.getMetadata().getName()))
        .withNewSpec()
        .withMaxUnavailable(new IntOrString(1))
        // A pod that never became ready (a stuck new version) may be evicted, so it never blocks a
        // drain.
        .withUnhealthyPodEvictionPolicy("AlwaysAllow")
        .withNewSelector()
        .withMatchLabels(ServingNames.instanceSelector(md))
        .endSelector()
        .endSpec()
        .build();
  }
}
