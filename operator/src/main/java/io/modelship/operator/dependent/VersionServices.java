package io.modelship.operator.dependent;

import io.fabric8.kubernetes.api.model.Service;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.CRUDKubernetesBulkDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.KubernetesBulkDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.modelship.api.v1alpha1.ModelDeployment;
import io.modelship.operator.rollout.plan.VersionTarget;
import io.modelship.operator.rollout.traffic.GatewayApiRoute;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One Service per running version, named like its Deployment and labelled with its version: the
 * weighted backendRefs of a Gateway API route, and with any router the address for a version's
 * labelled feedback. A pod scores only request ids its own version issued (it would judge another
 * version's answers as its own model's), and during a canary the Service {@code <name>} sends to
 * the pods of both versions, so a client sends the label for an answer to the Service of the
 * version the answer names.
 */
@KubernetesDependent(
    informer =
        @Informer(labelSelector = ServingNames.MANAGED_SELECTOR + "," + ServingNames.LABEL_VERSION))
public class VersionServices extends KubernetesDependentResource<Service, ModelDeployment>
    implements CRUDKubernetesBulkDependentResource<Service, ModelDeployment>,
        KubernetesBulkDependentResource<Service, ModelDeployment>,
        // Owned by the ModelDeployment, so Kubernetes deletes them with it: without this JOSDK
        // takes the
        // bulk Deleter for a cleaner and patches a finalizer onto the ModelDeployment, which the
        // operator must not write (GitOps) and which the chart's RBAC rightly does not allow.
        io.javaoperatorsdk.operator.api.reconciler.dependent.GarbageCollected<ModelDeployment> {

  public VersionServices() {
    super(Service.class);
  }

  public static String name(ModelDeployment md, String version) {
    return ServingNames.deploymentName(md, version);
  }

  /** The Gateway API route of {@code md}, over these Services and owned as its other children. */
  public static GatewayApiRoute route(ModelDeployment md) {
    return new GatewayApiRoute(
        md, version -> name(md, version), name -> ServingNames.childMetadata(md, name));
  }

  @Override
  public Map<ResourceID, Service> desiredResources(
      ModelDeployment md, Context<ModelDeployment> context) {
    var desired = new LinkedHashMap<ResourceID, Service>();
    for (VersionTarget target : ServingPlan.of(context).rollout().targets()) {
      String name = name(md, target.version());
      Service service =
          ServingService.service(md, name, ServingNames.versionSelector(md, target.version()));
      service.getMetadata().setLabels(ServingNames.versionLabels(md, target.version()));
      desired.put(new ResourceID(name, md.getMetadata().getNamespace()), service);
    }
    return desired;
  }

  @Override
  public Map<ResourceID, Service> getSecondaryResources(
      ModelDeployment md, Context<ModelDeployment> context) {
    var owned = new LinkedHashMap<ResourceID, Service>();
    context
        .getSecondaryResourcesAsStream(Service.class)
        .filter(
            s ->
                s.getMetadata().getLabels() != null
                    && md.getMetadata()
                        .getName()
                        .equals(s.getMetadata().getLabels().get(ServingNames.LABEL_DEPLOYMENT))
                    && s.getMetadata().getLabels().containsKey(ServingNames.LABEL_VERSION))
        .forEach(s -> owned.put(ResourceID.fromResource(s), s));
    return owned;
  }
}
