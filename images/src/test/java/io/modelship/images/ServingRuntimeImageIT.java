package io.modelship.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.modelship.api.runtime.RuntimeEnvironment;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The serving-runtime image run as the operator's Deployment runs it
 * (dependent/ServingDeployments): UID 65532, read-only root filesystem with a tmpfs /tmp, all
 * capabilities dropped, no-new-privileges, podman's default seccomp profile, a memory limit, the
 * Deployment's env, and the model package mounted read-only — nothing else.
 */
class ServingRuntimeImageIT {

  /** The operator's default memory limit (OperatorSettings.DEFAULT_MEMORY_LIMIT, 384Mi). */
  static final String DEFAULT_MEMORY_LIMIT = "384m";

  static final Path IRIS = Podman.HOME.resolve("examples/models/iris-1.0.0.tar.gz");
  static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final List<String> containers = new ArrayList<>();

  @BeforeAll
  static void images() throws Exception {
    Podman.buildImages();
  }

  @AfterEach
  void removeContainers() {
    containers.forEach(Podman::remove);
  }

  @Test
  void servesTheIrisSmilePackageAsTheDeploymentRunsIt() throws Exception {
    var pod = start("iris", IRIS, "iris", "1.0.0", DEFAULT_MEMORY_LIMIT, Map.of());
    String predict = post(pod.url("/predict"), "{\"features\": [5.1, 3.5, 1.4, 0.2]}", 200);
    assertThat(predict).contains("\"prediction\":\"setosa\"").contains("\"version\":\"1.0.0\"");
    String infer =
        post(
            pod.url("/v2/models/iris/infer"),
            "{\"inputs\": [{\"name\": \"input-0\", \"shape\": [1, 4],"
                + " \"datatype\": \"FP64\", \"data\": [6.7, 3.0, 5.2, 2.3]}]}",
            200);
    assertThat(infer).contains("\"model_name\":\"iris\"").contains("virginica");
    assertThat(get(pod.url("/metrics"), 200)).contains("modelship_");
    // As the pod runs it: the image's numeric user, a read-only root filesystem, the JVM's own
    // flags
    // from the image plus the operator's JAVA_TOOL_OPTIONS.
    assertThat(Podman.inspect(pod.name, "{{.Config.User}}")).isEqualTo("65532:65532");
    String logs = Podman.run("logs", pod.name).ok().out();
    assertThat(logs)
        .contains("Picked up JAVA_TOOL_OPTIONS: " + RuntimeEnvironment.JVM_OPTIONS)
        .doesNotContain("AOT cache")
        .doesNotContain("Exception");
    assertThat(Podman.inspect(pod.name, "{{.HostConfig.ReadonlyRootfs}}")).isEqualTo("true");
  }

  @Test
  void servesAnOnnxPackageWithOnnxRuntimeLoadedFromTheImage() throws Exception {
    Path pkg = onnxPackage();
    var pod = start("onnx", pkg, "iris-onnx", "1.0.0", DEFAULT_MEMORY_LIMIT, Map.of());
    assertThat(post(pod.url("/predict"), "{\"features\": [5.1, 3.5, 1.4, 0.2]}", 200))
        .contains("setosa");
    assertThat(
            post(
                pod.url("/v2/models/iris-onnx/infer"),
                "{\"inputs\": [{\"name\": \"input-0\", \"shape\": [1, 4],"
                    + " \"datatype\": \"FP64\", \"data\": [6.7, 3.0, 5.2, 2.3]}]}",
                200))
        .contains("virginica");
    assertThat(get(pod.url("/metrics"), 200)).contains("modelship_");
    // ONNX Runtime's native libraries come from the image (read-only), not extracted into /tmp.
    assertThat(Podman.run("logs", pod.name).ok().out())
        .contains(
            "ONNX Runtime's native libraries from /app/onnxruntime-native/ai/onnxruntime/native/linux-x64");
  }

  @Test
  void aFloodOfLargeBatchesUnder256MiBIsAnsweredWithoutAnOomKill() throws Exception {
    var pod = start("flood", IRIS, "iris", "1.0.0", "256m", Map.of());
    byte[] body = batchBody(8 * 1024 * 1024 - 1024);
    List<Integer> statuses = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(16)) {
      List<Future<Integer>> answers = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        answers.add(
            pool.submit(
                () ->
                    HTTP.send(
                            HttpRequest.newBuilder(URI.create(pod.url("/predict_batch")))
                                .timeout(Duration.ofSeconds(60))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                                .build(),
                            HttpResponse.BodyHandlers.discarding())
                        .statusCode()));
      }
      for (Future<Integer> answer : answers) {
        statuses.add(answer.get(90, TimeUnit.SECONDS));
      }
    }
    assertThat(statuses)
        .as("every request is answered, refused (4xx) or served")
        .allMatch(s -> s == 200 || (s >= 400 && s < 500));
    assertThat(Podman.inspect(pod.name, "{{.State.OOMKilled}} {{.State.Running}}"))
        .isEqualTo("false true");
    assertThat(get(pod.url("/ready"), 200)).contains("READY");
    long peak = Podman.peakMemoryBytes(pod.name);
    System.out.printf("flood: statuses %s, container peak memory %d MiB%n", statuses, peak >> 20);
  }

  @Test
  void sigtermKeepsServingThroughTheDelayThenDrainsAndExitsZero() throws Exception {
    var pod = start("sigterm", IRIS, "iris", "1.0.0", DEFAULT_MEMORY_LIMIT, Map.of());
    long sent = System.nanoTime();
    Podman.run("kill", "--signal", "TERM", pod.name).ok();
    // SHUTDOWN_DELAY_SECONDS (5): endpoints drop the pod while it still answers, readiness says
    // 503.
    try {
      await()
          .atMost(Duration.ofSeconds(4))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> status(pod.url("/ready")) == 503);
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError(
          "/ready answers "
              + status(pod.url("/ready"))
              + " after SIGTERM:\n"
              + Podman.run("logs", pod.name).out(),
          e);
    }
    for (int i = 0; i < 20; i++) {
      assertThat(post(pod.url("/predict"), "{\"features\": [5.1, 3.5, 1.4, 0.2]}", 200))
          .contains("setosa");
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> "false".equals(Podman.inspect(pod.name, "{{.State.Running}}")));
    long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - sent);
    assertThat(Podman.inspect(pod.name, "{{.State.ExitCode}} {{.State.OOMKilled}}"))
        .isEqualTo("0 false");
    assertThat(seconds).as("exit within the 30 s termination grace period").isLessThan(30);
    assertThat(Podman.run("logs", pod.name).ok().out()).contains("readiness is now 503");
  }

  // --- helpers ----------------------------------------------------------------------------------

  record Pod(String name, int port) {
    String url(String path) {
      return "http://127.0.0.1:" + port + path;
    }
  }

  /** Starts the runtime image as the operator's pod template does, and waits for /ready. */
  Pod start(
      String what,
      Path pkg,
      String model,
      String version,
      String memory,
      Map<String, String> extraEnv)
      throws Exception {
    String name = "modelship-it-" + what + "-" + UUID.randomUUID().toString().substring(0, 8);
    int port = freePort();
    int grpcPort = freePort();
    String mounted = "/models/" + pkg.getFileName();
    List<String> args =
        new ArrayList<>(
            List.of(
                "run",
                "-d",
                "--name",
                name,
                "--network",
                "host",
                "--user",
                "65532:65532",
                "--read-only",
                "--read-only-tmpfs=false",
                "--tmpfs",
                "/tmp:rw,size=256m,mode=1777",
                "--cap-drop",
                "ALL",
                "--security-opt",
                "no-new-privileges",
                "--memory",
                memory,
                "--memory-swap",
                memory,
                "--stop-timeout",
                "30",
                "-v",
                pkg + ":" + mounted + ":ro"));
    args.addAll(Podman.ULIMITS);
    var env = new java.util.LinkedHashMap<String, String>();
    env.put(RuntimeEnvironment.MODEL_URI, mounted);
    env.put(RuntimeEnvironment.MODEL_VERSION, version);
    env.put(RuntimeEnvironment.POD_NAME, name);
    env.put(RuntimeEnvironment.POD_UID, UUID.randomUUID().toString());
    env.put(RuntimeEnvironment.POD_NAMESPACE, "ml");
    env.put(RuntimeEnvironment.MODELDEPLOYMENT_NAME, model);
    env.put(RuntimeEnvironment.MODELDEPLOYMENT_UID, UUID.randomUUID().toString());
    env.put(RuntimeEnvironment.REPORT_INTERVAL_SECONDS, "15");
    env.put(RuntimeEnvironment.DRIFT_METHOD, "psi");
    env.put(RuntimeEnvironment.DRIFT_WARNING, "0.1");
    env.put(RuntimeEnvironment.DRIFT_THRESHOLD, "0.25");
    env.put(RuntimeEnvironment.DRIFT_WINDOW_SIZE, "1000");
    env.put(RuntimeEnvironment.DRIFT_MIN_SAMPLES, "100");
    env.put(RuntimeEnvironment.ACCURACY_MAX_DROP, "0.05");
    env.put(RuntimeEnvironment.ACCURACY_MIN_SAMPLES, "50");
    env.put(RuntimeEnvironment.PORT, Integer.toString(port));
    env.put(RuntimeEnvironment.GRPC_PORT, Integer.toString(grpcPort));
    env.put(
        RuntimeEnvironment.MODEL_MAX_DOWNLOAD_BYTES,
        Long.toString(RuntimeEnvironment.DEFAULT_MAX_DOWNLOAD_BYTES));
    env.put(RuntimeEnvironment.SHUTDOWN_DELAY_SECONDS, "5");
    env.put(RuntimeEnvironment.JAVA_TOOL_OPTIONS, RuntimeEnvironment.JVM_OPTIONS);
    env.put(RuntimeEnvironment.MALLOC_ARENA_MAX, RuntimeEnvironment.MALLOC_ARENAS);
    env.put(RuntimeEnvironment.FEEDBACK_SIGNING_KEY, UUID.randomUUID().toString());
    env.putAll(extraEnv);
    env.forEach((k, v) -> args.addAll(List.of("-e", k + "=" + v)));
    args.add(Podman.RUNTIME_IMAGE);
    containers.add(name);
    Podman.run(Duration.ofMinutes(1), args).ok();
    Pod pod = new Pod(name, port);
    try {
      // The startup probe's budget (60 x 5 s) is far more than a start takes; 60 s is plenty here.
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(100))
          .until(
              () -> {
                if (!"true".equals(Podman.inspect(name, "{{.State.Running}}"))) {
                  throw new AssertionError(name + " stopped:\n" + Podman.run("logs", name).out());
                }
                return status(pod.url("/ready")) == 200;
              });
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError(name + " not ready in 60 s:\n" + Podman.run("logs", name).out(), e);
    }
    // /ready waits for the gRPC server (whose classes the image's AOT cache leaves out): a ready
    // pod takes gRPC connections.
    try (Socket grpc = new Socket(InetAddress.getLoopbackAddress(), grpcPort)) {
      assertThat(grpc.isConnected()).isTrue();
    } catch (IOException e) {
      throw new AssertionError(
          name + " is ready but its gRPC port is not open:\n" + Podman.run("logs", name).out(), e);
    }
    return pod;
  }

  /**
   * iris-logistic.onnx wrapped as a package by the runtime jar's `package` command (served by ONNX
   * Runtime).
   */
  static Path onnxPackage() throws Exception {
    Path dir = Podman.HOME.resolve("images/target/it-packages");
    Path pkg = dir.resolve("iris-onnx-1.0.0.tar.gz");
    if (Files.isRegularFile(pkg)) {
      return pkg;
    }
    Files.createDirectories(
        dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    String java = ProcessHandle.current().info().command().orElse("java");
    Process p =
        new ProcessBuilder(
                java,
                "-jar",
                Podman.HOME.resolve("serving-runtime/target/serving-runtime.jar").toString(),
                "package",
                "--artifact",
                Podman.HOME.resolve("examples/onnx/iris-logistic.onnx").toString(),
                "--data",
                Podman.HOME.resolve("examples/onnx/iris.csv").toString(),
                "--target",
                "species",
                "--name",
                "iris-onnx",
                "--version",
                "1.0.0",
                "--out",
                pkg.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(out).isZero();
    Files.setPosixFilePermissions(pkg, PosixFilePermissions.fromString("rw-r--r--"));
    return pkg;
  }

  /** A /predict_batch body of about {@code bytes}: iris rows, as many as fit. */
  static byte[] batchBody(int bytes) {
    StringBuilder b = new StringBuilder(bytes + 64).append("{\"instances\": [[5.1,3.5,1.4,0.2]");
    String row = ",[6.7,3.0,5.2,2.3]";
    while (b.length() + row.length() + 2 < bytes) {
      b.append(row);
    }
    return b.append("]}").toString().getBytes(StandardCharsets.UTF_8);
  }

  static int freePort() throws IOException {
    try (var s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  static int status(String url) {
    try {
      return HTTP.send(
              HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  static String get(String url, int expected) throws IOException, InterruptedException {
    var r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("GET " + url + ": " + r.body()).isEqualTo(expected);
    return r.body();
  }

  static String post(String url, String json, int expected)
      throws IOException, InterruptedException {
    var r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("POST " + url + ": " + r.body()).isEqualTo(expected);
    return r.body();
  }
}
