package io.modelship.operator.dependent;

import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.modelship.api.v1alpha1.ModelDeployment;

/** Grants {@link RuntimeRole} to {@link RuntimeServiceAccount}. */
@KubernetesDependent(informer = @Informer(labelSelector = ServingNames.MANAGED_SELECTOR))
public class RuntimeRoleBinding
    extends CRUDKubernetesDependentResource<RoleBinding, ModelDeployment> {

  public RuntimeRoleBinding() {
    super(RoleBinding.class);
  }

  @Override
  protected RoleBinding desired(ModelDeployment md, Context<ModelDeployment> context) {
    return desired(md);
  }

  public static RoleBinding desired(ModelDeployment md) {
    String name = ServingNames.runtimeAccount(md);
    return new RoleBindingBuilder()
        .withMetadata(ServingNames.childMetadata(md, name))
        .withNewRoleRef()
        .withApiGroup("rbac.authorization.k8s.io")
        .withKind("Role")
        .withName(name)
        .endRoleRef()
        .addNewSubject()
        .withKind("ServiceAccount")
        .withName(name)
        .withNamespace(md.getMetadata().getNamespace())
        .endSubject()
        .build();
  }
}
