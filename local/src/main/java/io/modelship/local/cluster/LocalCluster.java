package io.modelship.local.cluster;

import io.modelship.local.process.ChildProcesses;
import io.modelship.local.process.Java;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.modelship.local.autoscale.HorizontalPodAutoscalerController;
import io.modelship.local.autoscale.PodMetrics;
import io.modelship.local.kube.EmbeddedApiServer;
import io.modelship.local.pods.Containers;
import io.modelship.local.pods.ModelStore;
import io.modelship.local.pods.PodmanContainers;
import io.modelship.local.pods.ProcessContainers;
import io.modelship.local.pods.PodRunner;
import io.modelship.local.traffic.LocalProxy;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole system on this machine: the embedded API, the operator jar as a child process, the
 * pod runner (serving-runtime processes, or containers of the pods' images) and the
 * local proxy. Closing it stops every process and container it started and every port it opened.
 */
public final class LocalCluster implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(LocalCluster.class);

  /** Where the parts are: the repository (crds/, examples/, the jars) and a scratch directory. */
  public record Layout(Path home, Path workDir) {
    public Path operatorJar() {
      return home.resolve("operator/target/operator.jar");
    }

    public Path runtimeJar() {
      return home.resolve("serving-runtime/target/serving-runtime.jar");
    }

    public Path runtimeAotCache() {
      return home.resolve("serving-runtime/target/serving-runtime.aot");
    }

    public Path kubeconfig() {
      return workDir.resolve("kubeconfig");
    }

    public Path models() {
      return workDir.resolve("models");
    }

    public Path logs() {
      return workDir.resolve("logs");
    }

    /** The operator's signing master key, made fresh for each local cluster. */
    public Path signingKey() {
      return workDir.resolve("signing-key");
    }
  }

  /** How pods run: {@code --pods processes} or {@code --pods containers}. */
  public enum Pods {
    PROCESSES, CONTAINERS
  }

  private final Layout layout;
  private final Pods podMode;
  private final HorizontalPodAutoscalerController.Settings hpaSettings;
  private final ChildProcesses processes = new ChildProcesses();
  private EmbeddedApiServer api;
  private KubernetesClient client;
  private Process operator;
  private int operatorPort;
  private Containers containers;
  private PodRunner pods;
  private LocalProxy proxy;
  private HorizontalPodAutoscalerController autoscaler;
  private io.modelship.local.pods.LocalS3 s3;

  private LocalCluster(Layout layout, Pods podMode, HorizontalPodAutoscalerController.Settings hpaSettings) {
    this.layout = layout;
    this.podMode = podMode;
    this.hpaSettings = hpaSettings;
  }

  /** With pods as processes. */
  public static LocalCluster start(Layout layout, int apiPort) throws IOException {
    return start(layout, apiPort, Pods.PROCESSES);
  }

  public static LocalCluster start(Layout layout, int apiPort, Pods podMode) throws IOException {
    return start(layout, apiPort, podMode, HorizontalPodAutoscalerController.Settings.defaults());
  }

  /** With the HPA controller's flags ({@code --horizontal-pod-autoscaler-*} of kube-controller-manager). */
  public static LocalCluster start(Layout layout, int apiPort, Pods podMode,
      HorizontalPodAutoscalerController.Settings hpaSettings) throws IOException {
    io.modelship.local.traffic.ClientConnections.keepIdleBriefly(); // before any HttpClient of this JVM
    for (Path jar : List.of(layout.operatorJar(), layout.runtimeJar())) {
      if (!Files.isRegularFile(jar)) {
        throw new IllegalStateException(jar + " is missing: build it with ./mvnw -DskipTests package");
      }
    }
    Files.createDirectories(layout.logs());
    Files.createDirectories(layout.models());
    LocalCluster cluster = new LocalCluster(layout, podMode, hpaSettings);
    try {
      cluster.startParts(apiPort);
    } catch (IOException | RuntimeException e) {
      cluster.close();
      throw e;
    }
    return cluster;
  }

  /**
   * 48 random bytes as base64, readable by this user only. A fresh key per run is fine: the
   * embedded API forgets its objects when it stops, so no Secret made with an older key survives.
   */
  static void writeSigningKey(Path file) throws IOException {
    byte[] key = new byte[48];
    new java.security.SecureRandom().nextBytes(key);
    Files.deleteIfExists(file);
    Files.createFile(file, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, java.util.Base64.getEncoder().encodeToString(key));
  }

  private void startParts(int apiPort) throws IOException {
    api = EmbeddedApiServer.start(apiPort, layout.kubeconfig(), layout.home().resolve("crds"));
    client = api.client();
    log.info("Kubernetes API on {} (kubeconfig {})", api.uri(), layout.kubeconfig());
    operatorPort = freePort();
    writeSigningKey(layout.signingKey());
    operator = processes.start(List.of(Java.launcher(), "-Xmx256m", "-XX:TieredStopAtLevel=1", "-jar",
            layout.operatorJar().toString(), "--leader-election", "false", "--http-port",
            Integer.toString(operatorPort)),
        Map.of("KUBECONFIG", layout.kubeconfig().toString(),
            "MODELSHIP_SIGNING_KEY_FILE", layout.signingKey().toString()),
        layout.logs().resolve("operator.log"));
    awaitHttp(URI.create("http://127.0.0.1:" + operatorPort + "/readyz"), Duration.ofSeconds(90), "the operator");
    log.info("operator running (pid {}), log {}", operator.pid(), layout.logs().resolve("operator.log"));
    List<Path> modelDirs = List.of(layout.models(), layout.home().resolve("examples/models"));
    s3 = io.modelship.local.pods.LocalS3.start(layout.workDir().resolve("s3"), modelDirs);
    log.info("S3-compatible store (S3Proxy) on {} as {}, bucket {} with the example packages", s3.endpoint(),
        io.modelship.local.pods.LocalS3.ENDPOINT, io.modelship.local.pods.LocalS3.BUCKET);
    ModelStore models = new ModelStore(modelDirs, s3.endpoint());
    if (podMode == Pods.CONTAINERS) {
      // The image's own JVM flags apply, with the heap sized from the pod's memory limit.
      containers = new PodmanContainers(processes, layout.kubeconfig(), models, layout.workDir());
    } else {
      // Small heaps and C1 only: several runtimes share a laptop's cores with the operator.
      List<String> jvm = new ArrayList<>(List.of("-Xmx192m", "-XX:TieredStopAtLevel=1"));
      if (Files.isRegularFile(layout.runtimeAotCache())) {
        // The build's AOT cache halves start-up; a JVM that cannot use it says nothing and starts normally.
        jvm.addAll(List.of("-XX:AOTCache=" + layout.runtimeAotCache(), "-Xlog:aot=off", "-Xlog:cds=off"));
      }
      containers = new ProcessContainers(processes, layout.runtimeJar(), layout.kubeconfig(), models,
          layout.workDir(), jvm);
    }
    pods = new PodRunner(client, containers, layout.workDir()).start();
    proxy = new LocalProxy(client).start();
    autoscaler = new HorizontalPodAutoscalerController(client, new PodMetrics(pods), hpaSettings).start();
  }

  private void awaitHttp(URI uri, Duration timeout, String what) throws IOException {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!operator.isAlive()) {
        throw new IllegalStateException(what + " exited with " + operator.exitValue() + "; see "
            + layout.logs().resolve("operator.log"));
      }
      try {
        HttpResponse<Void> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(),
            HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for " + what, e);
      }
      try {
        Thread.sleep(300);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for " + what, e);
      }
    }
    throw new IllegalStateException(what + " was not ready within " + timeout);
  }

  static int freePort() throws IOException {
    try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** The operator's /healthz, /readyz and /metrics. */
  public URI operatorUri() {
    return URI.create("http://127.0.0.1:" + operatorPort);
  }

  public Layout layout() {
    return layout;
  }

  public EmbeddedApiServer api() {
    return api;
  }

  public KubernetesClient client() {
    return client;
  }

  public LocalProxy proxy() {
    return proxy;
  }

  public ChildProcesses processes() {
    return processes;
  }

  public Pods podMode() {
    return podMode;
  }

  /** The HorizontalPodAutoscaler controller. */
  public HorizontalPodAutoscalerController autoscaler() {
    return autoscaler;
  }

  /** What runs the pods' containers. */
  public Containers containers() {
    return containers;
  }

  @Override
  public void close() {
    if (autoscaler != null) {
      autoscaler.close();
    }
    if (proxy != null) {
      proxy.close();
    }
    if (pods != null) {
      pods.close();
    }
    if (containers != null) {
      containers.close();
    }
    if (operator != null) {
      processes.stop(operator, Duration.ofSeconds(10));
    }
    processes.close();
    if (client != null) {
      client.close();
    }
    if (api != null) {
      api.close();
    }
    if (s3 != null) {
      s3.close();
    }
  }

  /** The embedded S3-compatible store. */
  public io.modelship.local.pods.LocalS3 s3() {
    return s3;
  }
}
