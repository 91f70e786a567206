package io.modelship.operator.dependent;

import io.fabric8.kubernetes.api.model.Service;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.modelship.api.v1alpha1.ModelDeployment;

/** {@code <name>-preview}: the new version of a blue-green rollout, before and after the switch. */
@KubernetesDependent(informer = @Informer(labelSelector = ServingNames.MANAGED_SELECTOR))
public class PreviewService extends CRUDKubernetesDependentResource<Service, ModelDeployment> {

  public PreviewService() {
    super(Service.class);
  }

  public static String name(ModelDeployment md) {
    return md.getMetadata().getName() + "-preview";
  }

  @Override
  protected Service desired(ModelDeployment md, Context<ModelDeployment> context) {
    String version = ServingPlan.of(context).rollout().traffic().previewVersion();
    return ServingService.service(md, name(md), ServingNames.versionSelector(md, version));
  }

  @Override
  protected ResourceID targetSecondaryResourceID(
      ModelDeployment md, Context<ModelDeployment> context) {
    return new ResourceID(name(md), md.getMetadata().getNamespace());
  }
}
