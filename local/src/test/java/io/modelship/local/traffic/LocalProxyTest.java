package io.modelship.local.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.modelship.local.kube.EmbeddedApiServer;
import io.modelship.local.pods.PodRunner;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The router's endpoints, as kube-proxy keeps them: ready pods first, terminating ones that still
 * serve as a last resort.
 */
class LocalProxyTest {

  static final Path HOME =
      Path.of(System.getProperty("modelship.home", "..")).toAbsolutePath().normalize();
  @TempDir Path dir;
  EmbeddedApiServer api;
  KubernetesClient client;
  LocalProxy router;
  final List<HttpServer> pods = new ArrayList<>();
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws Exception {
    api = EmbeddedApiServer.start(0, dir.resolve("kubeconfig"), HOME.resolve("crds"));
    client = api.client();
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName("ml").endMetadata().build())
        .create();
    client
        .services()
        .inNamespace("ml")
        .resource(
            new ServiceBuilder()
                .withNewMetadata()
                .withName("iris")
                .endMetadata()
                .withNewSpec()
                .withSelector(Map.of("app", "iris"))
                .endSpec()
                .build())
        .create();
    router = new LocalProxy(client).start();
  }

  @AfterEach
  void stop() {
    router.close();
    pods.forEach(s -> s.stop(0));
    api.close();
  }

  @Test
  void aServiceWhosePodsAreAllTerminatingStillAnswersFromThoseThatServe() throws Exception {
    pod("old", true);
    until(200, "old");
    terminating("old");
    // No ready pod left: the terminating one that still serves answers (a stale route's requests
    // during a rollback land here), rather than a 503.
    Thread.sleep(1_500);
    assertThat(answer()).isEqualTo("200 old");
    pod("new", true);
    // As soon as a ready pod is there, terminating ones get nothing.
    until(200, "new");
    for (int i = 0; i < 10; i++) {
      assertThat(answer()).isEqualTo("200 new");
    }
  }

  @Test
  void aPodThatIsNotReadyGetsNothingEvenWhenItIsTheLastOne() throws Exception {
    pod("only", false);
    Thread.sleep(1_500);
    // The answer says why, as `kubectl get endpoints` and `describe pod` would.
    assertThat(answer())
        .startsWith("503 ")
        .contains(
            "no ready pod behind service iris: its selector app=iris matches only (not Ready)");
  }

  @Test
  void aServiceWhoseSelectorMatchesNoPodSaysSo() throws Exception {
    await().atMost(Duration.ofSeconds(10)).until(() -> answer().startsWith("503 "));
    assertThat(answer())
        .contains("no ready pod behind service iris: its selector app=iris matches no pod");
  }

  @Test
  void aServicesGrpcPortWithNoPodRefusesTheCallSayingWhy() throws Exception {
    client
        .services()
        .inNamespace("ml")
        .resource(
            new ServiceBuilder()
                .withNewMetadata()
                .withName("scorer")
                .endMetadata()
                .withNewSpec()
                .withSelector(Map.of("app", "scorer"))
                .addNewPort()
                .withName("http")
                .withPort(80)
                .withNewTargetPort("http")
                .endPort()
                .addNewPort()
                .withName("grpc")
                .withPort(8081)
                .withNewTargetPort("grpc")
                .withAppProtocol("kubernetes.io/h2c")
                .endPort()
                .endSpec()
                .build())
        .create();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> router.grpcService("ml", "scorer").isPresent());
    assertThat(router.grpcService("ml", "iris"))
        .as("a Service without a grpc port gets no gRPC forwarder")
        .isEmpty();
    // A real gRPC client hears why, as UNAVAILABLE, instead of a connection reset it cannot
    // explain.
    String out =
        GrpcInferClient.call(
            HOME, router.grpcService("ml", "scorer").orElseThrow().address(), "scorer", 1.0);
    assertThat(out)
        .contains("status UNAVAILABLE")
        .contains("no ready pod: its selector app=scorer matches no pod");
  }

  @Test
  void aPodThatTurnsReadyIsSentToAtOnceNotAtTheNextResync() throws Exception {
    router.close();
    // A resync too slow to matter: only the router's watches can bring the change in time.
    router = new LocalProxy(client, Duration.ofMinutes(10)).start();
    await().atMost(Duration.ofSeconds(10)).until(() -> answer().startsWith("503 "));
    pod("late", false);
    await().atMost(Duration.ofSeconds(10)).until(() -> answer().contains("late (not Ready)"));
    client
        .pods()
        .inNamespace("ml")
        .withName("late")
        .editStatus(
            p -> {
              p.getStatus().getConditions().getFirst().setStatus("True");
              return p;
            });
    until(200, "late");
  }

  private void until(int code, String who) {
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> answer().equals(code + " " + who));
  }

  private String answer() throws Exception {
    var endpoint = router.service("ml", "iris");
    if (endpoint.isEmpty()) {
      return "no port";
    }
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(endpoint.get().url() + "/who")).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    return r.statusCode() + " " + r.body();
  }

  private void pod(String name, boolean ready) throws Exception {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.createContext(
        "/",
        ex -> {
          byte[] body = name.getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(200, body.length);
          ex.getResponseBody().write(body);
          ex.close();
        });
    server.start();
    pods.add(server);
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace("ml")
            .addToLabels("app", "iris")
            .addToAnnotations(
                PodRunner.PORT_ANNOTATION, Integer.toString(server.getAddress().getPort()))
            .endMetadata()
            .withNewStatus()
            .withPhase("Running")
            .addNewCondition()
            .withType("Ready")
            .withStatus(ready ? "True" : "False")
            .endCondition()
            .endStatus()
            .build();
    client.pods().inNamespace("ml").resource(pod).create();
    client
        .pods()
        .inNamespace("ml")
        .withName(name)
        .editStatus(
            p -> {
              p.setStatus(pod.getStatus());
              return p;
            });
  }

  /**
   * What the pod runner does to a pod it stops: its finalizer holds the object, Terminating, until
   * the process is gone.
   */
  private void terminating(String name) {
    client
        .pods()
        .inNamespace("ml")
        .withName(name)
        .edit(
            p -> {
              p.getMetadata().setFinalizers(List.of(PodRunner.FINALIZER));
              return p;
            });
    client.pods().inNamespace("ml").withName(name).delete();
    assertThat(
            client
                .pods()
                .inNamespace("ml")
                .withName(name)
                .get()
                .getMetadata()
                .getDeletionTimestamp())
        .isNotNull();
  }
}
