package io.modelship.operator.dependent;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.modelship.api.v1alpha1.ModelDeployment;
import io.modelship.api.v1alpha1.ModelPackageReference;
import io.modelship.api.v1alpha1.RuntimeReport;

/**
 * create/get/patch on {@code runtimereports} and {@code modelpackagereferences} in this namespace:
 * all a serving pod needs to write its own report and its package's reference. Nothing on
 * modeldeployments, nothing on Secrets. (RBAC cannot limit {@code create} or {@code patch} by name,
 * so any pod of the namespace can write any report; the operator ignores one not owned by a live
 * pod of the right ModelDeployment and version, or not signed with that ModelDeployment's report
 * key.)
 */
@KubernetesDependent(informer = @Informer(labelSelector = ServingNames.MANAGED_SELECTOR))
public class RuntimeRole extends CRUDKubernetesDependentResource<Role, ModelDeployment> {

  public RuntimeRole() {
    super(Role.class);
  }

  @Override
  protected Role desired(ModelDeployment md, Context<ModelDeployment> context) {
    return desired(md);
  }

  public static Role desired(ModelDeployment md) {
    return new RoleBuilder()
        .withMetadata(ServingNames.childMetadata(md, ServingNames.runtimeAccount(md)))
        .addNewRule()
        .withApiGroups(ModelDeployment.GROUP)
        .withResources(HasMetadata.getPlural(RuntimeReport.class))
        .withVerbs("create", "get", "patch")
        .endRule()
        // The package's reference: created by the first pod, patched by a later one to repair it
        // (the client's merge patch reads the object first).
        .addNewRule()
        .withApiGroups(ModelDeployment.GROUP)
        .withResources(HasMetadata.getPlural(ModelPackageReference.class))
        .withVerbs("create", "get", "patch")
        .endRule()
        .build();
  }
}
