package io.modelship.operator.harness;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** The Fabric8 mock API server in CRUD mode with the committed ModelDeployment CRD installed. */
public final class MockCluster implements AutoCloseable {

  static final Set<String> WRITES = Set.of("POST", "PUT", "PATCH", "DELETE");

  /** Held so the level sticks: every request is otherwise logged at INFO. */
  static final java.util.logging.Logger MOCK_LOG =
      java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  static {
    MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
  }

  private final KubernetesMockServer server;
  private final KubernetesClient client;
  private final LeaseAwareCrudDispatcher dispatcher = new LeaseAwareCrudDispatcher();

  public MockCluster() {
    server =
        new KubernetesMockServer(
            new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
    server.init();
    client = server.createClient();
    client.apiextensions().v1().customResourceDefinitions().resource(crd()).create();
    client.apiextensions().v1().customResourceDefinitions().resource(reportCrd()).create();
    client.apiextensions().v1().customResourceDefinitions().resource(referenceCrd()).create();
  }

  /** The committed ModelPackageReference CRD, next to the ModelDeployment one. */
  public static CustomResourceDefinition referenceCrd() {
    Path file =
        Path.of(System.getProperty("crd.file", "../crds/modeldeployments.modelship.io-v1.yml"))
            .resolveSibling("modelpackagereferences.modelship.io-v1.yml");
    try {
      return io.fabric8.kubernetes.client.utils.Serialization.unmarshal(
          Files.readString(file), CustomResourceDefinition.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The committed RuntimeReport CRD, next to the ModelDeployment one. */
  public static CustomResourceDefinition reportCrd() {
    Path file =
        Path.of(System.getProperty("crd.file", "../crds/modeldeployments.modelship.io-v1.yml"))
            .resolveSibling("runtimereports.modelship.io-v1.yml");
    try {
      return io.fabric8.kubernetes.client.utils.Serialization.unmarshal(
          Files.readString(file), CustomResourceDefinition.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static CustomResourceDefinition crd() {
    Path file =
        Path.of(System.getProperty("crd.file", "../crds/modeldeployments.modelship.io-v1.yml"));
    try {
      return io.fabric8.kubernetes.client.utils.Serialization.unmarshal(
          Files.readString(file), CustomResourceDefinition.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * From now on, answer every {@code method} request whose path contains {@code pathContains} with
   * a Kubernetes Status of {@code code}, as an API server (validation, admission, a taken name)
   * would.
   */
  public void refuse(String method, String pathContains, int code, String reason, String message) {
    dispatcher.refusals.add(
        new LeaseAwareCrudDispatcher.Refusal(method, pathContains, code, reason, message));
  }

  /** Stops refusing. */
  public void accept() {
    dispatcher.refusals.clear();
  }

  public KubernetesClient client() {
    return client;
  }

  /** A second client, as a separate operator process or a pod would have. */
  public KubernetesClient newClient() {
    return server.createClient();
  }

  /** Requests received since the last call, oldest first. */
  public List<RecordedRequest> drainRequests() {
    var requests = new ArrayList<RecordedRequest>();
    try {
      RecordedRequest request;
      while ((request = server.takeRequest(10, TimeUnit.MILLISECONDS)) != null) {
        requests.add(request);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return requests;
  }

  /** Writes received since the last drain, as "METHOD path". */
  public List<String> drainWrites() {
    return drainRequests().stream()
        .filter(r -> WRITES.contains(r.getMethod()))
        .map(r -> r.getMethod() + " " + r.getPath())
        .toList();
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }
}
