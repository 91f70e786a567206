package io.modelship.kubectl;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.server.mock.crud.KubernetesCrudDispatcherException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.modelship.api.testing.MergePatchCrudDispatcher;
import io.modelship.kubectl.view.Samples;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The Fabric8 mock API in CRUD mode (RFC 7386 merge patches), with a kubeconfig pointing at it. */
final class MockApi implements AutoCloseable {

  static {
    java.util.logging.Logger.getLogger("io.fabric8.mockwebserver")
        .setLevel(java.util.logging.Level.WARNING);
  }

  private final KubernetesMockServer server;
  private final KubernetesClient client;
  final Path kubeconfig;

  /** Every merge patch document the API received, in order. */
  final List<String> patches = new java.util.concurrent.CopyOnWriteArrayList<>();

  /** The result of one plugin run. */
  record Run(int exitCode, String out, String err) {}

  MockApi(Path dir) {
    server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            new HashMap<>(),
            new MergePatchCrudDispatcher() {
              @Override
              public JsonNode merge(JsonNode base, String patch)
                  throws KubernetesCrudDispatcherException {
                patches.add(patch);
                return super.merge(base, patch);
              }
            },
            false);
    server.init();
    client = server.createClient();
    kubeconfig = dir.resolve("kubeconfig");
    try {
      Files.writeString(
          kubeconfig,
          """
          apiVersion: v1
          kind: Config
          clusters:
            - name: mock
              cluster: {server: "%s"}
          contexts:
            - name: mock
              context: {cluster: mock, user: tester, namespace: ml}
            - name: mock-default
              context: {cluster: mock, user: tester}
          current-context: mock
          users:
            - name: tester
              user: {token: not-checked}
          """
              .formatted(client.getMasterUrl().toString()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  KubernetesClient client() {
    return client;
  }

  /**
   * Creates the sample ModelDeployment with its status, as the operator would have written it. The
   * mock numbers generations itself (1 on create), so status.observedGeneration is shifted to keep
   * the sample's relation to the spec generation (current or behind).
   */
  MockApi with(String sample) {
    return with(sample, null);
  }

  /** The sample, moved to another namespace when one is given (several samples share a name). */
  MockApi with(String sample, String namespace) {
    var resource = Serialization.unmarshal(Samples.text(sample), GenericKubernetesResource.class);
    if (namespace != null) {
      resource.getMetadata().setNamespace(namespace);
    }
    var ops =
        client
            .genericKubernetesResources(Cluster.MODEL_DEPLOYMENTS)
            .inNamespace(resource.getMetadata().getNamespace());
    var created = ops.resource(resource).create();
    if (resource.get("status") instanceof Map<?, ?> status
        && status.get("observedGeneration") instanceof Number observed) {
      long behind = resource.getMetadata().getGeneration() - observed.longValue();
      long aligned = created.getMetadata().getGeneration() - behind;
      ops.withName(resource.getMetadata().getName())
          .patch(
              PatchContext.of(PatchType.JSON_MERGE),
              "{\"status\":{\"observedGeneration\":" + aligned + "}}");
    }
    return this;
  }

  MockApi withDeployments(String sample) {
    for (Deployment d : Samples.deployments(sample)) {
      client.apps().deployments().inNamespace(d.getMetadata().getNamespace()).resource(d).create();
    }
    return this;
  }

  Map<String, Object> get(String namespace, String name) {
    var r =
        client
            .genericKubernetesResources(Cluster.MODEL_DEPLOYMENTS)
            .inNamespace(namespace)
            .withName(name)
            .get();
    @SuppressWarnings("unchecked")
    Map<String, Object> tree = client.getKubernetesSerialization().convertValue(r, Map.class);
    return tree;
  }

  /** Runs kubectl-modelship in-process against this API. */
  Run run(String... args) {
    var all = new ArrayList<String>(List.of("--kubeconfig", kubeconfig.toString()));
    all.addAll(List.of(args));
    var out = new ByteArrayOutputStream();
    var err = new ByteArrayOutputStream();
    int code =
        KubectlModelship.run(
            all.toArray(String[]::new),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** Requests received since the last call, as "METHOD path". */
  List<RecordedRequest> drainRequests() {
    var requests = new ArrayList<RecordedRequest>();
    try {
      RecordedRequest r;
      while ((r = server.takeRequest(10, TimeUnit.MILLISECONDS)) != null) {
        requests.add(r);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return requests;
  }

  List<RecordedRequest> writes() {
    return drainRequests().stream().filter(r -> !r.getMethod().equals("GET")).toList();
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }
}
