package io.modelship.kubectl;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.modelship.kubectl.view.ModelDeploymentView;
import io.modelship.kubectl.view.VersionReplicas;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The few API calls the plugin makes; ModelDeployments are read as generic objects. */
final class Cluster implements AutoCloseable {

  static final ResourceDefinitionContext MODEL_DEPLOYMENTS =
      new ResourceDefinitionContext.Builder()
          .withGroup("modelship.io")
          .withVersion("v1alpha1")
          .withKind("ModelDeployment")
          .withPlural("modeldeployments")
          .withNamespaced(true)
          .build();

  private final KubernetesClient client;
  private final String namespace;

  Cluster(KubernetesClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
  }

  String namespace() {
    return namespace;
  }

  /** The resource as a JSON tree. */
  Map<String, Object> get(String name) {
    GenericKubernetesResource resource =
        call(
            () ->
                client
                    .genericKubernetesResources(MODEL_DEPLOYMENTS)
                    .inNamespace(namespace)
                    .withName(name)
                    .get());
    if (resource == null) {
      throw new UserError("modeldeployment \"" + name + "\" not found in namespace " + namespace);
    }
    return tree(resource);
  }

  ModelDeploymentView view(String name) {
    return ModelDeploymentView.from(get(name));
  }

  List<ModelDeploymentView> list(boolean allNamespaces) {
    var op = client.genericKubernetesResources(MODEL_DEPLOYMENTS);
    var items =
        call(() -> allNamespaces ? op.inAnyNamespace().list() : op.inNamespace(namespace).list())
            .getItems();
    return items.stream().map(r -> ModelDeploymentView.from(tree(r))).toList();
  }

  List<Deployment> deployments(String name) {
    return call(
        () ->
            client
                .apps()
                .deployments()
                .inNamespace(namespace)
                .withLabel(VersionReplicas.DEPLOYMENT_LABEL, name)
                .list()
                .getItems());
  }

  /** Merge patch of metadata.annotations only: nothing else of the resource is sent. */
  void annotate(String name, String key, String value) {
    var patch = Map.of("metadata", Map.of("annotations", Map.of(key, value)));
    mergePatch(name, patch);
  }

  /**
   * Merge patch of spec.model (version, uri or uriFrom, sha256; null removes a stale one: the
   * schema allows exactly one of uri and uriFrom), guarded by resourceVersion.
   */
  void setModel(
      String name,
      String resourceVersion,
      String version,
      String uri,
      io.modelship.kubectl.view.ModelDeploymentView.UriFrom uriFrom,
      String sha256) {
    var model = new LinkedHashMap<String, Object>();
    model.put("version", version);
    model.put("uri", uri);
    model.put(
        "uriFrom",
        uriFrom == null
            ? null
            : Map.of("secretKeyRef", Map.of("name", uriFrom.secret(), "key", uriFrom.key())));
    model.put("sha256", sha256);
    var metadata =
        resourceVersion == null
            ? Map.<String, Object>of()
            : Map.<String, Object>of("resourceVersion", resourceVersion);
    mergePatch(name, Map.of("metadata", metadata, "spec", Map.of("model", model)));
  }

  private void mergePatch(String name, Map<String, ?> patch) {
    String json = client.getKubernetesSerialization().asJson(patch);
    call(
        () ->
            client
                .genericKubernetesResources(MODEL_DEPLOYMENTS)
                .inNamespace(namespace)
                .withName(name)
                .patch(PatchContext.of(PatchType.JSON_MERGE), json));
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> tree(GenericKubernetesResource resource) {
    return client.getKubernetesSerialization().convertValue(resource, Map.class);
  }

  private <T> T call(java.util.function.Supplier<T> request) {
    return call(client, namespace, request);
  }

  KubernetesClient client() {
    return client;
  }

  /** Runs one request; API errors become a {@link UserError} saying what to check. */
  static <T> T call(
      KubernetesClient client, String namespace, java.util.function.Supplier<T> request) {
    try {
      return request.get();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        throw new UserError(
            "the server has no modeldeployments.modelship.io in namespace "
                + namespace
                + " (is the Modelship CRD installed? kubectl apply -f crds/)");
      }
      if (e.getCode() == 409) {
        throw new UserError(
            "the resource changed while the plugin edited it; run the command again");
      }
      if (e.getCode() == 0) {
        Throwable cause = e.getCause() == null ? e : e.getCause();
        throw new UserError(
            "cannot reach the API server at "
                + client.getMasterUrl()
                + " ("
                + cause
                + "); check --kubeconfig, --context or $KUBECONFIG");
      }
      String reason =
          e.getStatus() != null && e.getStatus().getMessage() != null
              ? e.getStatus().getMessage()
              : e.getMessage();
      throw new UserError(
          "the API server at " + client.getMasterUrl() + " refused or failed: " + reason);
    }
  }

  @Override
  public void close() {
    client.close();
  }
}
