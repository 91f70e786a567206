package io.modelship.operator.dependent;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.modelship.api.v1alpha1.ModelDeployment;
import io.modelship.operator.rollout.traffic.GatewayApiRoute;

/**
 * The stable endpoint {@code <name>}: selects the pods of every version, so a rolling handover (and
 * a replica-ratio canary) answers from whichever pods are ready; during a blue-green rollout, or
 * behind a Gateway API route, only the version the plan names.
 */
@KubernetesDependent(informer = @Informer(labelSelector = ServingNames.MANAGED_SELECTOR))
public class ServingService extends CRUDKubernetesDependentResource<Service, ModelDeployment> {

  public ServingService() {
    super(Service.class);
  }

  @Override
  protected Service desired(ModelDeployment md, Context<ModelDeployment> context) {
    return desired(md, ServingPlan.of(context).rollout().traffic().serviceVersion());
  }

  public static Service desired(ModelDeployment md) {
    return desired(md, (String) null);
  }

  /** {@code version} null selects every version's pods; otherwise only that version's. */
  public static Service desired(ModelDeployment md, String version) {
    return service(
        md,
        md.getMetadata().getName(),
        version == null
            ? ServingNames.instanceSelector(md)
            : ServingNames.versionSelector(md, version));
  }

  static Service service(ModelDeployment md, String name, java.util.Map<String, String> selector) {
    return new ServiceBuilder()
        .withMetadata(ServingNames.childMetadata(md, name))
        .withNewSpec()
        .withType("ClusterIP")
        .withSelector(selector)
        .addNewPort()
        .withName("http")
        .withPort(GatewayApiRoute.SERVICE_PORT)
        .withTargetPort(new IntOrString(ServingDeployments.PORT))
        .withProtocol("TCP")
        .endPort()
        // The Open Inference Protocol over gRPC, cleartext HTTP/2: a Gateway's GRPCRoute or a mesh
        // routes it by this name and appProtocol.
        .addNewPort()
        .withName("grpc")
        .withPort(ServingDeployments.GRPC_PORT)
        .withTargetPort(new IntOrString(ServingDeployments.GRPC_PORT))
        .withProtocol("TCP")
        .withAppProtocol("kubernetes.io/h2c")
        .endPort()
        .withSessionAffinity("None")
        .withInternalTrafficPolicy("Cluster")
        .endSpec()
        .build();
  }
}
