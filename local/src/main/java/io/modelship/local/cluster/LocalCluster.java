package io.modelship.local.cluster;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.modelship.local.autoscale.HorizontalPodAutoscalerController;
import io.modelship.local.autoscale.PodMetrics;
import io.modelship.local.kube.EmbeddedApiServer;
import io.modelship.local.pods.Containers;
import io.modelship.local.pods.JobRunner;
import io.modelship.local.pods.ModelStore;
import io.modelship.local.pods.PodCredentials;
import io.modelship.local.pods.PodRunner;
import io.modelship.local.pods.PodmanContainers;
import io.modelship.local.pods.ProcessContainers;
import io.modelship.local.process.ChildProcesses;
import io.modelship.local.process.Java;
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
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole system on this machine: the embedded API, the operator jar as a child process, the pod
 * runner (serving-runtime processes, or containers of the pods' images), the Job runner (Jobs run
 * to completion the same way) and the local proxy. Closing it stops every process and container it
 * started and every port it opened.
 */
public final class LocalCluster implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(LocalCluster.class);

  /**
   * How long the tokens of the operator and the pods live. A kubelet asks for an hour and renews
   * them; local mode issues each once, for a day, longer than any local run.
   */
  static final Duration TOKEN_LIFETIME = Duration.ofDays(1);

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
    PROCESSES,
    CONTAINERS
  }

  private final Layout layout;
  private final Pods podMode;
  private final HorizontalPodAutoscalerController.Settings hpaSettings;
  private final Install install;
  private ChartInstall chart;
  private final ChildProcesses processes = new ChildProcesses();
  private EmbeddedApiServer api;
  private KubernetesClient client;
  private Process operator;
  private int operatorPort;
  private Containers containers;
  private PodRunner pods;
  private JobRunner jobs;
  private LocalProxy proxy;
  private HorizontalPodAutoscalerController autoscaler;
  private io.modelship.local.pods.LocalS3 s3;

  private LocalCluster(
      Layout layout,
      Pods podMode,
      Install install,
      HorizontalPodAutoscalerController.Settings hpaSettings) {
    this.layout = layout;
    this.podMode = podMode;
    this.install = install;
    this.hpaSettings = hpaSettings;
  }

  /** With pods as processes. */
  public static LocalCluster start(Layout layout, int apiPort) throws IOException {
    return start(layout, apiPort, Pods.PROCESSES);
  }

  public static LocalCluster start(Layout layout, int apiPort, Pods podMode) throws IOException {
    return start(
        layout,
        apiPort,
        podMode,
        Install.DEFAULT,
        HorizontalPodAutoscalerController.Settings.defaults());
  }

  /**
   * With the HPA controller's flags ({@code --horizontal-pod-autoscaler-*} of
   * kube-controller-manager).
   */
  public static LocalCluster start(
      Layout layout,
      int apiPort,
      Pods podMode,
      HorizontalPodAutoscalerController.Settings hpaSettings)
      throws IOException {
    return start(layout, apiPort, podMode, Install.DEFAULT, hpaSettings);
  }

  /**
   * How Modelship is installed from its chart: {@code watchNamespaces} as the chart value (empty:
   * all namespaces, ClusterRole; a list: a Role in each, which local mode creates first), and
   * {@code edit} applied to the rendered objects before they are created (tests take a rule out).
   */
  public record Install(List<String> watchNamespaces, UnaryOperator<List<HasMetadata>> edit) {
    public static final Install DEFAULT = new Install(List.of(), UnaryOperator.identity());
  }

  public static LocalCluster start(Layout layout, int apiPort, Pods podMode, Install install)
      throws IOException {
    return start(
        layout, apiPort, podMode, install, HorizontalPodAutoscalerController.Settings.defaults());
  }

  public static LocalCluster start(
      Layout layout,
      int apiPort,
      Pods podMode,
      Install install,
      HorizontalPodAutoscalerController.Settings hpaSettings)
      throws IOException {
    io.modelship.local.traffic.ClientConnections
        .keepIdleBriefly(); // before any HttpClient of this JVM
    for (Path jar : List.of(layout.operatorJar(), layout.runtimeJar())) {
      if (!Files.isRegularFile(jar)) {
        throw new IllegalStateException(
            jar + " is missing: build it with ./mvnw -DskipTests package");
      }
    }
    Files.createDirectories(layout.logs());
    Files.createDirectories(layout.models());
    LocalCluster cluster = new LocalCluster(layout, podMode, install, hpaSettings);
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
    Files.createFile(
        file,
        java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
            java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, java.util.Base64.getEncoder().encodeToString(key));
  }

  private void startParts(int apiPort) throws IOException {
    // No CRDs at start: the chart installs them, as on a cluster.
    api = EmbeddedApiServer.start(apiPort, layout.kubeconfig(), null);
    client = api.client();
    log.info("Kubernetes API on {} (kubeconfig {})", api.uri(), layout.kubeconfig());
    operatorPort = freePort();
    writeSigningKey(layout.signingKey());
    // Every pod has its own address in a cluster; here they share 127.0.0.1, so the operator's
    // port is a free one, set as the chart's value.
    chart =
        ChartInstall.install(
            client,
            layout.home().resolve("helm/modelship"),
            Map.of("httpPort", operatorPort),
            install.watchNamespaces(),
            Files.readAllBytes(layout.signingKey()),
            install.edit());
    log.info(
        "installed {} objects from helm/modelship (release {} in {})",
        chart.applied().size(),
        ChartInstall.RELEASE,
        ChartInstall.NAMESPACE);
    // The operator runs as the chart's ServiceAccount: a TokenRequest's token in its kubeconfig,
    // the chart's env (its volumes' paths moved to where they are on this host) and args.
    Path operatorDir = Files.createDirectories(layout.workDir().resolve("operator"));
    Map<String, Path> volumes = chart.materializeVolumes(client, operatorDir.resolve("volumes"));
    Path operatorKubeconfig = operatorDir.resolve("kubeconfig");
    api.writeKubeconfig(
        operatorKubeconfig,
        api.issueToken(ChartInstall.NAMESPACE, chart.serviceAccount(), TOKEN_LIFETIME).token(),
        ChartInstall.NAMESPACE);
    Map<String, String> env = new java.util.LinkedHashMap<>(chart.operatorEnv(volumes));
    env.put("KUBECONFIG", operatorKubeconfig.toString());
    // A kubelet sets HOSTNAME to the pod's name; the operator's Lease holder identity is it.
    env.put("HOSTNAME", chart.operator().getMetadata().getName() + "-local");
    List<String> command =
        new ArrayList<>(
            List.of(
                Java.launcher(),
                "-Xmx256m",
                "-XX:TieredStopAtLevel=1",
                "-jar",
                layout.operatorJar().toString()));
    Container container = chart.operatorContainer();
    if (container.getArgs() != null) {
      command.addAll(container.getArgs());
    }
    operator = processes.start(command, env, layout.logs().resolve("operator.log"));
    awaitHttp(
        URI.create("http://127.0.0.1:" + operatorPort + "/readyz"),
        Duration.ofSeconds(90),
        "the operator");
    log.info(
        "operator running as ServiceAccount {}/{} (pid {}), log {}",
        ChartInstall.NAMESPACE,
        chart.serviceAccount(),
        operator.pid(),
        layout.logs().resolve("operator.log"));
    List<Path> modelDirs = List.of(layout.models(), layout.home().resolve("examples/models"));
    s3 = io.modelship.local.pods.LocalS3.start(layout.workDir().resolve("s3"), modelDirs);
    log.info(
        "S3-compatible store (S3Proxy) on {} as {}, bucket {} with the example packages",
        s3.endpoint(),
        io.modelship.local.pods.LocalS3.ENDPOINT,
        io.modelship.local.pods.LocalS3.BUCKET);
    ModelStore models = new ModelStore(modelDirs, s3.endpoint());
    if (podMode == Pods.CONTAINERS) {
      // The image's own JVM flags apply, with the heap sized from the pod's memory limit.
      containers =
          new PodmanContainers(
              processes,
              PodCredentials.serviceAccount(api, TOKEN_LIFETIME),
              models,
              layout.workDir());
    } else {
      // Small heaps and C1 only: several runtimes share a laptop's cores with the operator.
      List<String> jvm = new ArrayList<>(List.of("-Xmx192m", "-XX:TieredStopAtLevel=1"));
      if (Files.isRegularFile(layout.runtimeAotCache())) {
        // The build's AOT cache halves start-up; a JVM that cannot use it says nothing and starts
        // normally.
        jvm.addAll(
            List.of("-XX:AOTCache=" + layout.runtimeAotCache(), "-Xlog:aot=off", "-Xlog:cds=off"));
      }
      containers =
          new ProcessContainers(
              processes,
              layout.runtimeJar(),
              PodCredentials.serviceAccount(api, TOKEN_LIFETIME),
              models,
              layout.workDir(),
              jvm);
    }
    pods = new PodRunner(client, containers, layout.workDir()).start();
    jobs = new JobRunner(client, containers, layout.workDir()).start();
    proxy = new LocalProxy(client).start();
    autoscaler =
        new HorizontalPodAutoscalerController(client, new PodMetrics(pods), hpaSettings).start();
  }

  private void awaitHttp(URI uri, Duration timeout, String what) throws IOException {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!operator.isAlive()) {
        Path logFile = layout.logs().resolve("operator.log");
        List<String> lines = Files.isRegularFile(logFile) ? Files.readAllLines(logFile) : List.of();
        throw new IllegalStateException(
            what
                + " exited with "
                + operator.exitValue()
                + "; the end of "
                + logFile
                + ":\n"
                + String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size())));
      }
      try {
        HttpResponse<Void> r =
            http.send(
                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(),
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

  /** What was installed from the chart. */
  public ChartInstall chart() {
    return chart;
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
    if (jobs != null) {
      jobs.close();
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
