package io.modelship.kubectl;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.modelship.kubectl.view.FleetSnapshot;
import io.modelship.kubectl.view.VersionReplicas;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The fleet as the API server has it, kept current by watches (Fabric8 informers): the
 * ModelDeployments, their Deployments (replicas per version) and the pods' RuntimeReports. Each
 * change runs the listener; {@link #snapshot()} reads the informers' caches, so a page never costs
 * the API server a request. Deployments and reports are optional: without the right to list them,
 * or without the RuntimeReport CRD, the view shows what status alone says and names what is
 * missing.
 */
final class FleetWatch implements AutoCloseable {

  static final ResourceDefinitionContext RUNTIME_REPORTS =
      new ResourceDefinitionContext.Builder()
          .withGroup("modelship.io")
          .withVersion("v1alpha1")
          .withKind("RuntimeReport")
          .withPlural("runtimereports")
          .withNamespaced(true)
          .build();

  private final KubernetesClient client;
  private final SharedIndexInformer<GenericKubernetesResource> modelDeployments;
  private final SharedIndexInformer<Deployment> deployments;
  private final SharedIndexInformer<GenericKubernetesResource> reports;
  private final List<String> missing = new ArrayList<>();

  /**
   * Starts the watches in one namespace, or in all when namespace is null; returns once they have
   * listed.
   */
  FleetWatch(KubernetesClient client, String namespace, Runnable onChange) {
    this.client = client;
    ResourceEventHandler<HasMetadata> handler =
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(HasMetadata obj) {
            onChange.run();
          }

          @Override
          public void onUpdate(HasMetadata oldObj, HasMetadata newObj) {
            onChange.run();
          }

          @Override
          public void onDelete(HasMetadata obj, boolean deletedFinalStateUnknown) {
            onChange.run();
          }
        };
    var md = client.genericKubernetesResources(Cluster.MODEL_DEPLOYMENTS);
    modelDeployments =
        Cluster.call(
            client,
            namespace == null ? "any namespace" : namespace,
            () ->
                (namespace == null ? md.inAnyNamespace() : md.inNamespace(namespace))
                    .inform(cast(handler)));
    deployments =
        optional(
            "Deployments (replicas per version)",
            () -> {
              var d = client.apps().deployments();
              return (namespace == null ? d.inAnyNamespace() : d.inNamespace(namespace))
                  .withLabel(VersionReplicas.DEPLOYMENT_LABEL)
                  .inform(cast(handler));
            });
    reports =
        optional(
            "RuntimeReports (requests, errors, p99 per version)",
            () -> {
              var r = client.genericKubernetesResources(RUNTIME_REPORTS);
              return (namespace == null ? r.inAnyNamespace() : r.inNamespace(namespace))
                  .withLabel(VersionReplicas.DEPLOYMENT_LABEL)
                  .inform(cast(handler));
            });
  }

  @SuppressWarnings("unchecked")
  private static <T extends HasMetadata> ResourceEventHandler<T> cast(
      ResourceEventHandler<HasMetadata> handler) {
    return (ResourceEventHandler<T>) (ResourceEventHandler<?>) handler;
  }

  private <T extends HasMetadata> SharedIndexInformer<T> optional(
      String what, java.util.function.Supplier<SharedIndexInformer<T>> start) {
    try {
      return start.get();
    } catch (RuntimeException e) {
      // An informer's failed first list may arrive wrapped; the API's answer is in the cause chain.
      Throwable cause = e;
      while (cause != null && !(cause instanceof KubernetesClientException)) {
        cause = cause.getCause();
      }
      int code = cause instanceof KubernetesClientException k ? k.getCode() : -1;
      missing.add(
          what
              + ": "
              + (code == 403
                  ? "forbidden"
                  : code == 404 ? "not served" : String.valueOf(e.getMessage())));
      return null;
    }
  }

  /** The fleet now, from the watches' caches. */
  @SuppressWarnings("unchecked")
  Map<String, Object> snapshot() {
    var serialization = client.getKubernetesSerialization();
    List<Map<String, Object>> resources =
        modelDeployments.getStore().list().stream()
            .map(r -> (Map<String, Object>) serialization.convertValue(r, Map.class))
            .toList();
    List<Map<String, Object>> reportTrees =
        reports == null
            ? List.of()
            : reports.getStore().list().stream()
                .map(r -> (Map<String, Object>) serialization.convertValue(r, Map.class))
                .toList();
    var snapshot =
        FleetSnapshot.of(
            resources,
            deployments == null ? List.of() : deployments.getStore().list(),
            reportTrees,
            Instant.now());
    snapshot.put("missing", List.copyOf(missing));
    return snapshot;
  }

  String json(Map<String, Object> snapshot) {
    return client.getKubernetesSerialization().asJson(snapshot);
  }

  @Override
  public void close() {
    for (var informer : new SharedIndexInformer<?>[] {modelDeployments, deployments, reports}) {
      if (informer != null) {
        informer.close();
      }
    }
  }
}
