package io.modelship.operator.dependent;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.modelship.api.v1alpha1.ModelDeployment;

/**
 * The stable endpoint {@code <name>}: selects the pods of every version, so a rolling handover
 * keeps answering from whichever pods are ready.
 */
@KubernetesDependent(informer = @Informer(labelSelector = ServingNames.MANAGED_SELECTOR))
public class ServingService extends CRUDKubernetesDependentResource<Service, ModelDeployment> {

  public ServingService() {
    super(Service.class);
  }

  @Override
  protected Service desired(ModelDeployment md, Context<ModelDeployment> context) {
    return desired(md);
  }

  public static Service desired(ModelDeployment md) {
    return new ServiceBuilder()
        .withMetadata(ServingNames.childMetadata(md, md.getMetadata().getName()))
        .withNewSpec()
        .withType("ClusterIP")
        .withSelector(ServingNames.instanceSelector(md))
        .addNewPort()
        .withName("http")
        .withPort(80)
        .withTargetPort(new IntOrString(ServingDeployments.PORT))
        .withProtocol("TCP")
        .endPort()
        .withSessionAffinity("None")
        .withInternalTrafficPolicy("Cluster")
        .endSpec()
        .build();
  }
}
