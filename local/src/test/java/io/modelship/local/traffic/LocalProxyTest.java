package io.modelship.local.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
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

  /**
   * The race of a rollback's end: the operator deletes the canary's Service while the HTTPRoute
   * still sends it a share (or before the router has read the route without it). The route's
   * requests for it still reach its pods, never a 503 saying the Service is unknown; once the route
   * names it no more, it is forgotten.
   */
  @Test
  void aServiceDeletedWhileARouteStillNamesItKeepsItsPodsBehindTheRoute() throws Exception {
    pod("stable", "iris", true);
    service("iris-canary", "iris-canary");
    pod("canary", "iris-canary", true);
    route(Map.of("iris", 50, "iris-canary", 50));
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> routeAnswers(2).containsAll(List.of("200 stable", "200 canary")));

    client.services().inNamespace("ml").withName("iris-canary").delete();
    // The router has read the deletion: the Service's own port is closed.
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> router.service("ml", "iris-canary").isEmpty());
    assertThat(routeAnswers(20))
        .as("the route's answers while it still names the deleted Service")
        .containsOnly("200 stable", "200 canary")
        .contains("200 canary");

    route(Map.of("iris", 100));
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () ->
                routeAnswers(4)
                    .equals(List.of("200 stable", "200 stable", "200 stable", "200 stable")));
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> router.podsBehind("ml", "iris-canary") == 0);
  }

  private void service(String name, String app) {
    client
        .services()
        .inNamespace("ml")
        .resource(
            new ServiceBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withNewSpec()
                .withSelector(Map.of("app", app))
                .endSpec()
                .build())
        .create();
  }

  /** HTTPRoute {@code iris} with one rule sending to {@code weights}' Services, made or changed. */
  private void route(Map<String, Integer> weights) {
    Map<String, Object> spec =
        Map.of(
            "rules",
            List.of(
                Map.of(
                    "backendRefs",
                    weights.entrySet().stream()
                        .sorted(Map.Entry.comparingByKey())
                        .map(
                            e ->
                                Map.of(
                                    "group",
                                    "",
                                    "kind",
                                    "Service",
                                    "name",
                                    e.getKey(),
                                    "port",
                                    8080,
                                    "weight",
                                    e.getValue()))
                        .toList())));
    var routes =
        client
            .genericKubernetesResources(io.modelship.api.gateway.GatewayApi.HTTP_ROUTE)
            .inNamespace("ml");
    if (routes.withName("iris").get() == null) {
      var route = new GenericKubernetesResource();
      route.setApiVersion("gateway.networking.k8s.io/v1");
      route.setKind("HTTPRoute");
      route.setMetadata(new ObjectMetaBuilder().withName("iris").withNamespace("ml").build());
      route.setAdditionalProperty("spec", spec);
      routes.resource(route).create();
    } else {
      routes
          .withName("iris")
          .edit(
              r -> {
                r.setAdditionalProperty("spec", spec);
                return r;
              });
    }
  }

  /** {@code n} answers through HTTPRoute {@code iris}, as {@code code body}. */
  private List<String> routeAnswers(int n) throws Exception {
    var endpoint = router.route("ml", "iris");
    if (endpoint.isEmpty()) {
      return List.of("no port");
    }
    List<String> answers = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(endpoint.get().url() + "/who")).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      answers.add(r.statusCode() + " " + r.body());
    }
    return answers;
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
    pod(name, "iris", ready);
  }

  private void pod(String name, String app, boolean ready) throws Exception {
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
            .addToLabels("app", app)
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
