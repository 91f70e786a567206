package io.modelship.local;

import io.modelship.local.autoscale.HorizontalPodAutoscalerController;
import io.modelship.local.cluster.LocalCluster;
import io.modelship.local.pods.PodmanContainers;
import io.modelship.local.scenario.Scenario;
import io.modelship.local.scenario.ScenarioRunner;
import io.modelship.local.scenario.Verdict;
import io.modelship.local.traffic.LocalProxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code modelship-local}: the whole system on this machine, running one rollout scenario. */
@Command(
    name = "modelship-local",
    mixinStandardHelpOptions = true,
    description =
        "Runs Modelship on this machine without a cluster: an embedded Kubernetes API, the operator, "
            + "pods (containers of their image, or serving-runtime processes), a local proxy and a traffic "
            + "generator; applies iris 1.0.0, "
            + "rolls out a new version and shows the rollout live. A local simulation of a cluster, not a cluster.")
public final class LocalMain implements Callable<Integer> {

  @Option(
      names = "--scenario",
      defaultValue = "canary",
      description =
          "canary | bluegreen | rollback | rolling | autoscale | s3 | retrain (default: ${DEFAULT-VALUE})")
  String scenario;

  @Option(
      names = "--keep-running",
      description = "stay up after the scenario for kubectl; Ctrl-C stops everything")
  boolean keepRunning;

  @Option(
      names = "--pods",
      defaultValue = "auto",
      description =
          "how pods run: containers (of the image each pod "
              + "names, with its security context, limits, probes and emptyDir volumes; needs podman and the images), "
              + "processes (serving-runtime.jar on this JDK), or auto: containers when podman and the runtime image are "
              + "here, else processes (default: ${DEFAULT-VALUE})")
  String podsOption;

  @Option(
      names = "--rps",
      defaultValue = "20",
      description = "requests per second the traffic generator sends")
  double rps;

  @Option(
      names = "--hpa-sync-period",
      defaultValue = "15s",
      description =
          "how often the HPA controller "
              + "syncs, as kube-controller-manager's --horizontal-pod-autoscaler-sync-period (default: ${DEFAULT-VALUE})")
  String hpaSyncPeriod;

  @Option(
      names = "--hpa-downscale-stabilization",
      description =
          "the HPA controller's scale-down stabilization "
              + "window for HPAs whose behavior sets none, as kube-controller-manager's "
              + "--horizontal-pod-autoscaler-downscale-stabilization (default: 5m; an HPA's behavior.scaleDown.stabilizationWindowSeconds wins, 30s in the autoscale example)")
  String hpaDownscaleStabilization;

  @Option(
      names = "--home",
      defaultValue = ".",
      description = "the Modelship checkout (crds/, examples/, the jars)")
  Path home;

  @Option(
      names = "--work-dir",
      description =
          "scratch directory for the kubeconfig, logs and models "
              + "(default: HOME/local/target/run)")
  Path workDir;

  @Option(
      names = "--api-port",
      defaultValue = "0",
      description = "port of the Kubernetes API (0: any free port)")
  int apiPort;

  @Option(
      names = "--timeout",
      defaultValue = "8m",
      description = "how long the rollout may take (e.g. 8m, 300s)")
  String timeout;

  public static void main(String[] args) {
    System.exit(
        new CommandLine(new LocalMain()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Scenario chosen;
    try {
      chosen = Scenario.valueOf(scenario.toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      System.err.println(
          "unknown --scenario "
              + scenario
              + "; one of canary, bluegreen, rollback, rolling, autoscale");
      return 2;
    }
    if (rps <= 0 || rps > 10_000) {
      System.err.println("--rps must be in (0, 10000], got " + rps);
      return 2;
    }
    Duration limit = parseDuration(timeout, "--timeout");
    var hpa =
        HorizontalPodAutoscalerController.Settings.defaults()
            .withSyncPeriod(parseDuration(hpaSyncPeriod, "--hpa-sync-period"));
    if (hpaDownscaleStabilization != null) {
      hpa =
          hpa.withDownscaleStabilization(
              parseDuration(hpaDownscaleStabilization, "--hpa-downscale-stabilization"));
    }
    if (hpa.syncPeriod().isZero() || hpa.syncPeriod().isNegative()) {
      System.err.println("--hpa-sync-period must be positive, got " + hpaSyncPeriod);
      return 2;
    }
    Path root = home.toAbsolutePath().normalize();
    if (!Files.isDirectory(root.resolve("crds"))
        || !Files.isDirectory(root.resolve("examples/local"))) {
      System.err.println(
          root + " is not a Modelship checkout (no crds/ or examples/local/); use --home");
      return 2;
    }
    Path work =
        (workDir == null ? root.resolve("local/target/run") : workDir).toAbsolutePath().normalize();
    LocalCluster.Pods podMode = podMode(podsOption);
    if (podMode == null) {
      return 2;
    }
    LocalCluster.Layout layout = new LocalCluster.Layout(root, work);
    System.out.println("starting the local cluster (logs in " + layout.logs() + ")");
    System.out.println(
        "HPA controller: sync every "
            + hpa.syncPeriod().toSeconds()
            + " s, scale-down stabilization "
            + hpa.downscaleStabilization().toSeconds()
            + " s (a cluster's default is 300 s; an HPA's behavior.scaleDown.stabilizationWindowSeconds"
            + " wins)");
    LocalCluster cluster = LocalCluster.start(layout, apiPort, podMode, hpa);
    takeBackStopSignals();
    Thread hook = new Thread(cluster::close, "stop-local-cluster");
    Runtime.getRuntime().addShutdownHook(hook);
    ScenarioRunner runner =
        new ScenarioRunner(cluster, chosen, rps, System.out, System.console() != null, limit);
    Verdict verdict;
    try {
      verdict = runner.run();
    } catch (RuntimeException e) {
      verdict = new Verdict(Verdict.Outcome.FAILED, String.valueOf(e.getMessage()));
    }
    System.out.println();
    System.out.println(
        (verdict.outcome() == Verdict.Outcome.SUCCEEDED
                ? "scenario " + chosen.cliName() + " ended as it should: "
                : "scenario " + chosen.cliName() + " did NOT end as it should: ")
            + verdict.message());
    runner.trafficStats().ifPresent(s -> System.out.println(ScenarioRunner.requestSummary(s)));
    if (keepRunning) {
      // The fleet view (kubectl modelship dashboard) beside the cluster, with the user's
      // kubeconfig.
      try (var client =
              new io.fabric8.kubernetes.client.KubernetesClientBuilder()
                  .withConfig(
                      io.fabric8.kubernetes.client.Config.fromKubeconfig(
                          cluster.layout().kubeconfig().toFile()))
                  .build();
          var fleet = io.modelship.kubectl.FleetView.start(client, null, 0)) {
        printTour(cluster);
        System.out.println("Fleet view (kubectl modelship dashboard): " + fleet.url());
        new CountDownLatch(1).await();
      }
    }
    runner.close();
    Runtime.getRuntime().removeShutdownHook(hook);
    cluster.close();
    return verdict.outcome() == Verdict.Outcome.SUCCEEDED ? 0 : 1;
  }

  /**
   * Rendering the chart loads helm-java's Go library into this JVM, and the Go runtime takes SIGINT
   * and SIGTERM over from the JVM: Ctrl-C then stopped nothing. Installed again after the chart is
   * rendered, they run the shutdown hooks as the JVM's own handlers do (exit 130 / 143).
   */
  private static void takeBackStopSignals() {
    for (String name : List.of("INT", "TERM")) {
      sun.misc.Signal.handle(
          new sun.misc.Signal(name), signal -> System.exit(128 + signal.getNumber()));
    }
  }

  /**
   * The runtime image the operator puts in a pod when a ModelDeployment names none (its own
   * default).
   */
  static String runtimeImage() {
    String image = System.getenv("DEFAULT_RUNTIME_IMAGE");
    return image == null || image.isBlank() ? "ghcr.io/modelship/serving-runtime:0.1.0" : image;
  }

  /**
   * {@code --pods} resolved, said at start with the reason; null (exit 2) when containers cannot
   * run.
   */
  private static LocalCluster.Pods podMode(String option) {
    String image = runtimeImage();
    switch (option.toLowerCase(java.util.Locale.ROOT)) {
      case "processes" -> {
        System.out.println("pods run as processes (serving-runtime.jar on this JDK)");
        return LocalCluster.Pods.PROCESSES;
      }
      case "containers" -> {
        var unavailable = PodmanContainers.unavailable();
        if (unavailable.isPresent()) {
          System.err.println("--pods containers needs podman: " + unavailable.get());
          return null;
        }
        System.out.println("pods run as containers of their images (podman)");
        if (!PodmanContainers.hasImage(image)) {
          System.out.println(
              "  "
                  + image
                  + " is not in podman's local image store: its pods will show ErrImagePull "
                  + "until you build it with images/build.sh");
        }
        return LocalCluster.Pods.CONTAINERS;
      }
      case "auto" -> {
        var unavailable = PodmanContainers.unavailable();
        if (unavailable.isPresent()) {
          System.out.println(
              "pods run as processes: " + unavailable.get() + " (--pods containers needs it)");
          return LocalCluster.Pods.PROCESSES;
        }
        if (!PodmanContainers.hasImage(image)) {
          System.out.println(
              "pods run as processes: "
                  + image
                  + " is not in podman's local image store "
                  + "(build the images with images/build.sh and pods run as containers)");
          return LocalCluster.Pods.PROCESSES;
        }
        System.out.println(
            "pods run as containers of "
                + image
                + " (podman; --pods processes runs them as processes)");
        return LocalCluster.Pods.CONTAINERS;
      }
      default -> {
        System.err.println("unknown --pods " + option + "; one of auto, containers, processes");
        return null;
      }
    }
  }

  private static void printTour(LocalCluster cluster) {
    Path kubeconfig = cluster.layout().kubeconfig().toAbsolutePath();
    System.out.println();
    System.out.println("Still running (Ctrl-C stops everything). Kubeconfig: " + kubeconfig);
    System.out.println("  export KUBECONFIG=" + kubeconfig);
    System.out.println("  kubectl get md -n ml");
    System.out.println("  kubectl get md iris -n ml -w");
    System.out.println("  kubectl describe md iris -n ml");
    System.out.println("  kubectl get deploy,pods,svc,hpa,pdb,httproute -n ml");
    System.out.println(
        "  kubectl describe hpa iris -n ml                  # metrics, conditions, rescale events");
    System.out.println("  kubectl wait --for=condition=Ready md/iris -n ml");
    System.out.println("  kubectl modelship get iris -n ml --watch");
    System.out.println("  kubectl annotate md/iris -n ml modelship.io/promote=$(date +%s)");
    System.out.println("  kubectl get md iris -n ml -o yaml");
    if (cluster.containers() instanceof PodmanContainers podman) {
      System.out.println(
          "  kubectl describe pods -n ml                      # probes, restarts, last state");
      System.out.println(
          "  podman ps --filter label=" + PodmanContainers.RUN_LABEL + "=" + podman.runId());
    }
    System.out.println("Endpoints on this machine:");
    for (LocalProxy.Endpoint e : cluster.proxy().endpoints()) {
      System.out.println("  " + e.kind() + " " + e.namespace() + "/" + e.name() + "  " + e.url());
    }
    List<LocalProxy.Endpoint> grpc = cluster.proxy().grpcEndpoints();
    if (!grpc.isEmpty()) {
      System.out.println("gRPC (h2c), the Services' grpc ports, Open Inference Protocol:");
      for (LocalProxy.Endpoint e : grpc) {
        System.out.println("  Service " + e.namespace() + "/" + e.name() + "  " + e.address());
      }
    }
    cluster
        .proxy()
        .service("ml", "iris")
        .ifPresent(
            e ->
                System.out.println(
                    "  curl -s "
                        + e.url()
                        + "/predict -H 'Content-Type: application/json' "
                        + "-d '{\"features\":{\"sepal_length\":5.1,\"sepal_width\":3.5,\"petal_length\":1.4,\"petal_width\":0.2}}'"));
  }

  static Duration parseDuration(String text) {
    return parseDuration(text, "--timeout");
  }

  static Duration parseDuration(String text, String option) {
    String t = text.trim().toLowerCase(java.util.Locale.ROOT);
    try {
      if (t.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
      }
      long n = Long.parseLong(t.substring(0, t.length() - 1));
      return switch (t.charAt(t.length() - 1)) {
        case 's' -> Duration.ofSeconds(n);
        case 'm' -> Duration.ofMinutes(n);
        case 'h' -> Duration.ofHours(n);
        default -> throw new IllegalArgumentException();
      };
    } catch (RuntimeException e) {
      throw new CommandLine.ParameterException(
          new CommandLine(new LocalMain()), option + " must look like 300s, 8m or 1h, got " + text);
    }
  }
}
