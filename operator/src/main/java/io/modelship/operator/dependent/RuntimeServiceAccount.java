package io.modelship.operator.dependent;

import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.modelship.api.v1alpha1.ModelDeployment;

/** The identity serving pods report with; it may patch only its own resource's status. */
@KubernetesDependent(informer = @Informer(labelSelector = ServingNames.MANAGED_SELECTOR))
public class RuntimeServiceAccount
    extends CRUDKubernetesDependentResource<ServiceAccount, ModelDeployment> {

  public RuntimeServiceAccount() {
    super(ServiceAccount.class);
  }

  @Override
  protected ServiceAccount desired(ModelDeployment md, Context<ModelDeployment> context) {
    return desired(md);
  }

  public static ServiceAccount desired(ModelDeployment md) {
    return new ServiceAccountBuilder()
        .withMetadata(ServingNames.childMetadata(md, ServingNames.runtimeAccount(md)))
        .build();
  }
}
