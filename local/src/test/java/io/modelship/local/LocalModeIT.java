package io.modelship.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.modelship.local.cluster.LocalCluster;
import io.modelship.local.kube.Kubectl;
import io.modelship.local.pods.PodRunner;
import io.modelship.local.scenario.Verdict;
import io.modelship.local.traffic.LocalProxy;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end on this machine: the embedded API, the operator jar, real serving-runtime processes
 * and real kubectl. A RollingUpdate from iris 1.0.0 to 2.0.0 (what today's operator rolls), then
 * nothing of the run is left running or listening.
 */
class LocalModeIT {

  static final Path HOME =
      Path.of(System.getProperty("modelship.home", "..")).toAbsolutePath().normalize();
  static final ResourceDefinitionContext MD =
      new ResourceDefinitionContext.Builder()
          .withGroup("modelship.io")
          .withVersion("v1alpha1")
          .withPlural("modeldeployments")
          .withKind("ModelDeployment")
          .withNamespaced(true)
          .build();
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path work;

  @Test
  void rollingUpdateWithRealProcessesAndKubectl() throws Exception {
    Path kubectlBinary = Kubectl.binaries().findFirst().orElseThrow();
    List<Long> pids;
    List<Integer> ports = new ArrayList<>();
    try (LocalCluster cluster = LocalCluster.start(new LocalCluster.Layout(HOME, work), 0)) {
      ports.add(cluster.api().port());
      Kubectl kubectl = new Kubectl(kubectlBinary, cluster.layout().kubeconfig());
      cluster
          .client()
          .namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName("ml").endMetadata().build())
          .create();
      Path manifest = HOME.resolve("examples/local/iris-rolling.yaml");
      assertThat(kubectl.run("apply", "-f", manifest.toString()).out())
          .contains("modeldeployment.modelship.io/iris created");

      await()
          .atMost(Duration.ofMinutes(4))
          .pollInterval(Duration.ofSeconds(1))
          .until(() -> Verdict.stableUp(md(cluster)));
      assertThat(predictedVersion(cluster)).isEqualTo("1.0.0");

      var get = kubectl.run("get", "md", "-n", "ml");
      assertThat(get.out().lines().findFirst().orElseThrow())
          .containsSubsequence(
              "NAME", "MODEL", "VERSION", "STRATEGY", "WEIGHT", "READY", "DRIFT", "PHASE", "AGE");
      assertThat(get.out())
          .containsPattern(
              "iris\\s+iris\\s+1\\.0\\.0\\s+RollingUpdate\\s+100\\s+True\\s+(InsufficientData|Normal)\\s+Healthy\\s+\\d+");
      var wait =
          kubectl.run(90, "wait", "--for=condition=Ready", "md/iris", "-n", "ml", "--timeout=60s");
      assertThat(wait.exitCode()).as(wait.out()).isZero();
      assertThat(kubectl.run("get", "deploy", "-n", "ml").out())
          .containsPattern("iris-1-0-0-[0-9a-f]{8}\\s+2/2\\s+2\\s+2");
      assertThat(kubectl.run("get", "pods", "-n", "ml").out())
          .containsPattern("iris-1-0-0-[0-9a-f]{8}-\\S+\\s+1/1\\s+Running\\s+0");

      // A runtime that dies is restarted and shows as a restarting pod, as a kubelet shows it.
      Pod victim = cluster.client().pods().inNamespace("ml").list().getItems().getFirst();
      long victimPid = pid(victim);
      ProcessHandle.of(victimPid).orElseThrow().destroyForcibly();
      await()
          .atMost(Duration.ofMinutes(1))
          .pollInterval(Duration.ofMillis(500))
          .until(
              () -> {
                Pod p =
                    cluster
                        .client()
                        .pods()
                        .inNamespace("ml")
                        .withName(victim.getMetadata().getName())
                        .get();
                var cs = p.getStatus().getContainerStatuses().getFirst();
                return cs.getRestartCount() == 1
                    && Boolean.TRUE.equals(cs.getReady())
                    && pid(p) != victimPid;
              });
      assertThat(kubectl.run("get", "pod", victim.getMetadata().getName(), "-n", "ml").out())
          .containsPattern("1/1\\s+Running\\s+1\\s");
      List<Long> stablePids =
          cluster.client().pods().inNamespace("ml").list().getItems().stream()
              .map(LocalModeIT::pid)
              .toList();

      // Both runtimes stall for 5.5 s at once (a GC pause, a starved CPU): they miss at most two
      // readiness probes of the three the probe allows, so they stay in the Service and a request
      // sent meanwhile waits and is answered instead of getting 503 "no ready pod".
      var stalledAnswer =
          java.util.concurrent.CompletableFuture.supplyAsync(
              () -> {
                try {
                  Thread.sleep(1_000);
                  return predictedVersion(cluster);
                } catch (IOException | InterruptedException e) {
                  throw new IllegalStateException(e);
                }
              });
      boolean everUnready = false;
      signal("STOP", stablePids);
      try {
        long until = System.nanoTime() + Duration.ofMillis(5_500).toNanos();
        while (System.nanoTime() < until) {
          everUnready |=
              cluster.client().pods().inNamespace("ml").list().getItems().stream()
                  .anyMatch(
                      p ->
                          p.getStatus().getConditions().stream()
                              .anyMatch(
                                  c ->
                                      c.getType().equals("Ready")
                                          && !c.getStatus().equals("True")));
          Thread.sleep(200);
        }
      } finally {
        signal("CONT", stablePids);
      }
      assertThat(everUnready).as("a pod was taken out of the Service while it stalled").isFalse();
      assertThat(stalledAnswer.get(30, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("1.0.0");

      Path edited = work.resolve("iris-2.0.0.yaml");
      Files.writeString(
          edited,
          Files.readString(manifest)
              .replace("\"1.0.0\"", "\"2.0.0\"")
              .replace("/1.0.0.tar.gz", "/2.0.0.tar.gz"));
      assertThat(kubectl.run("apply", "-f", edited.toString()).out())
          .contains("modeldeployment.modelship.io/iris configured");
      await()
          .atMost(Duration.ofMinutes(4))
          .pollInterval(Duration.ofSeconds(1))
          .until(
              () -> {
                JsonNode status = md(cluster).path("status");
                return status.path("stableVersion").asText().equals("2.0.0")
                    && status.path("phase").asText().equals("Healthy")
                    && cluster
                            .client()
                            .apps()
                            .deployments()
                            .inNamespace("ml")
                            .list()
                            .getItems()
                            .size()
                        == 1;
              });
      await().atMost(Duration.ofSeconds(30)).until(() -> "2.0.0".equals(predictedVersion(cluster)));
      assertThat(kubectl.run("get", "md", "-n", "ml").out())
          .containsPattern("iris\\s+iris\\s+2\\.0\\.0\\s+RollingUpdate");
      // The retired version's processes are stopped, not just its Pod objects deleted.
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  stablePids.stream()
                      .noneMatch(
                          pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)));

      for (LocalProxy.Endpoint e : cluster.proxy().endpoints()) {
        ports.add(e.port());
      }
      for (Pod p : cluster.client().pods().inAnyNamespace().list().getItems()) {
        ports.add(
            Integer.parseInt(p.getMetadata().getAnnotations().get(PodRunner.PORT_ANNOTATION)));
      }
      pids = cluster.processes().startedPids();
      assertThat(pids).as("the operator and at least four runtimes").hasSizeGreaterThanOrEqualTo(5);
    }
    for (long pid : pids) {
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
          .as("process %d", pid)
          .isFalse();
    }
    for (int port : ports) {
      try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        assertThat(s.getLocalPort()).isEqualTo(port);
      } catch (IOException e) {
        throw new AssertionError("port " + port + " is still bound", e);
      }
    }
  }

  private static void signal(String signal, List<Long> pids)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("kill", "-" + signal));
    pids.forEach(pid -> command.add(Long.toString(pid)));
    assertThat(new ProcessBuilder(command).inheritIO().start().waitFor())
        .as(String.join(" ", command))
        .isZero();
  }

  private static long pid(Pod pod) {
    return Long.parseLong(
        pod.getStatus()
            .getContainerStatuses()
            .getFirst()
            .getContainerID()
            .substring("process://".length()));
  }

  private static JsonNode md(LocalCluster cluster) {
    var md =
        cluster.client().genericKubernetesResources(MD).inNamespace("ml").withName("iris").get();
    return md == null ? JSON.createObjectNode() : JSON.valueToTree(md);
  }

  /** The version that answers a prediction sent to the iris Service's port. */
  private static String predictedVersion(LocalCluster cluster)
      throws IOException, InterruptedException {
    var endpoint = cluster.proxy().service("ml", "iris");
    if (endpoint.isEmpty()) {
      return null;
    }
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(endpoint.get().url() + "/predict"))
                    .header("Content-Type", "application/json")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "{\"features\":{\"sepal_length\":5.1,\"sepal_width\":3.5,\"petal_length\":1.4,\"petal_width\":0.2}}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    return r.statusCode() == 200 ? JSON.readTree(r.body()).path("version").asText() : null;
  }
}
