package io.modelship.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.modelship.operator.settings.OperatorSettings;
import io.modelship.operator.signing.SigningKeys;
import io.modelship.operator.validation.ImageRegistries;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code java -jar operator.jar}: runs the operator against the current kubeconfig or in-cluster.
 */
@Command(
    name = "modelship-operator",
    mixinStandardHelpOptions = true,
    version = "modelship-operator 0.1.0",
    description = "Reconciles ModelDeployments into serving Deployments, Service, HPA and PDB.")
public final class OperatorMain implements Callable<Integer> {

  static final Path IN_CLUSTER_TOKEN =
      Path.of("/var/run/secrets/kubernetes.io/serviceaccount/token");

  @Option(
      names = "--namespaces",
      split = ",",
      defaultValue = "${env:WATCH_NAMESPACES:-}",
      description =
          "Namespaces to watch, comma-separated; empty watches all (env WATCH_NAMESPACES).")
  List<String> namespaces = List.of();

  @Option(
      names = "--default-image",
      defaultValue = "${env:DEFAULT_RUNTIME_IMAGE:-" + OperatorSettings.DEFAULT_IMAGE + "}",
      description = "Serving runtime image when the spec names none (env DEFAULT_RUNTIME_IMAGE).")
  String defaultImage;

  @Option(
      names = "--default-cpu-request",
      defaultValue = "${env:DEFAULT_CPU_REQUEST:-" + OperatorSettings.DEFAULT_CPU_REQUEST + "}",
      description = "CPU request when the spec sets no resources (env DEFAULT_CPU_REQUEST).")
  String cpuRequest;

  @Option(
      names = "--default-memory-request",
      defaultValue =
          "${env:DEFAULT_MEMORY_REQUEST:-" + OperatorSettings.DEFAULT_MEMORY_REQUEST + "}",
      description = "Memory request when the spec sets no resources (env DEFAULT_MEMORY_REQUEST).")
  String memoryRequest;

  @Option(
      names = "--default-memory-limit",
      defaultValue = "${env:DEFAULT_MEMORY_LIMIT:-" + OperatorSettings.DEFAULT_MEMORY_LIMIT + "}",
      description = "Memory limit when the spec sets no resources (env DEFAULT_MEMORY_LIMIT).")
  String memoryLimit;

  @Option(
      names = "--report-interval",
      defaultValue = "${env:REPORT_INTERVAL_SECONDS:-15}",
      description =
          "Seconds between runtime reports when the spec does not say (env REPORT_INTERVAL_SECONDS).")
  int reportIntervalSeconds;

  @Option(
      names = "--leader-election",
      defaultValue = "${env:LEADER_ELECTION:-auto}",
      description = "true, false or auto (on when running in a cluster) (env LEADER_ELECTION).")
  String leaderElection;

  @Option(
      names = "--lease-name",
      defaultValue = "${env:LEASE_NAME:-modelship-operator}",
      description = "Name of the leader-election Lease (env LEASE_NAME).")
  String leaseName;

  @Option(
      names = "--lease-namespace",
      defaultValue = "${env:LEASE_NAMESPACE:-}",
      description = "Namespace of the Lease; defaults to the operator's own (env LEASE_NAMESPACE).")
  String leaseNamespace;

  @Option(
      names = "--runtime-image-pull-secrets",
      split = ",",
      defaultValue = "${env:RUNTIME_IMAGE_PULL_SECRETS:-}",
      description =
          "Secrets the serving pods pull their image with, comma-separated; each must exist in the"
              + " ModelDeployment's namespace (env RUNTIME_IMAGE_PULL_SECRETS).")
  List<String> runtimeImagePullSecrets = List.of();

  @Option(
      names = "--log-level",
      defaultValue = "${env:LOG_LEVEL:-info}",
      description = "trace, debug, info, warn or error (env LOG_LEVEL).")
  LogLevel logLevel;

  /** The levels slf4j-simple knows. */
  enum LogLevel {
    trace,
    debug,
    info,
    warn,
    error
  }

  @Option(
      names = "--allowed-image-registries",
      defaultValue = "${env:" + OperatorSettings.ALLOWED_IMAGE_REGISTRIES_ENV + ":-}",
      description =
          "Registries (host[/path], comma-separated) spec.runtime.image may name; empty allows any"
              + " (env "
              + OperatorSettings.ALLOWED_IMAGE_REGISTRIES_ENV
              + ").")
  String allowedImageRegistries;

  @Option(
      names = "--require-sha256-for-http",
      defaultValue = "${env:" + OperatorSettings.REQUIRE_SHA256_FOR_HTTP_ENV + ":-false}",
      description =
          "Refuse packages over plain http:// without spec.model.sha256 instead of warning"
              + " (env "
              + OperatorSettings.REQUIRE_SHA256_FOR_HTTP_ENV
              + ").")
  boolean requireSha256ForHttp;

  @Option(
      names = "--signing-key-file",
      defaultValue = "${env:" + SigningKeys.FILE_ENV + ":-" + SigningKeys.DEFAULT_FILE + "}",
      description =
          "File with the master key the ModelDeployments' signing keys derive from, at least 32 bytes"
              + " (env "
              + SigningKeys.FILE_ENV
              + ").")
  Path signingKeyFile;

  @Option(
      names = "--http-port",
      defaultValue = "${env:HTTP_PORT:-8081}",
      description = "Port of /healthz, /readyz and /metrics (env HTTP_PORT).")
  int httpPort;

  public static void main(String[] args) {
    System.exit(new CommandLine(new OperatorMain()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    // Before the first logger exists: slf4j-simple reads its level once, and a system property
    // wins over simplelogger.properties.
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", logLevel.name());
    SigningKeys keys;
    try {
      keys = SigningKeys.fromFile(signingKeyFile);
    } catch (IllegalStateException e) {
      // Without the master key no pod could be given a key and no report verified: refuse to start.
      System.err.println("modelship-operator: " + e.getMessage());
      return 2;
    }
    var settings =
        new OperatorSettings(
            Set.copyOf(namespaces.stream().map(String::trim).filter(n -> !n.isEmpty()).toList()),
            defaultImage,
            cpuRequest,
            memoryRequest,
            memoryLimit,
            reportIntervalSeconds,
            Duration.ofSeconds(30),
            ImageRegistries.parse(allowedImageRegistries),
            requireSha256ForHttp,
            runtimeImagePullSecrets.stream().map(String::trim).filter(n -> !n.isEmpty()).toList());
    var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    KubernetesClient client = new KubernetesClientBuilder().build();
    Optional<LeaderLease> lease = lease(client);
    if (lease.isPresent() && lease.get().namespace() == null) {
      System.err.println(
          "modelship-operator: leader election needs the Lease's namespace: set --lease-namespace"
              + " (env LEASE_NAMESPACE); the client's configuration names none");
      client.close();
      return 2;
    }
    var operator =
        new ModelshipOperator(client, settings, keys, registry, lease, Clock.systemUTC());
    var http = new OperatorHttpServer(httpPort, () -> true, operator::ready, registry).start();
    var stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  operator.close();
                  http.close();
                  client.close();
                  stopped.countDown();
                }));
    operator.start();
    stopped.await();
    return 0;
  }

  private Optional<LeaderLease> lease(KubernetesClient client) {
    boolean enabled =
        switch (leaderElection.toLowerCase(Locale.ROOT)) {
          case "true" -> true;
          case "false" -> false;
          default -> Files.exists(IN_CLUSTER_TOKEN);
        };
    if (!enabled) {
      return Optional.empty();
    }
    // In a pod HOSTNAME is the pod's name: unique per replica and readable in the Lease.
    String identity =
        Optional.ofNullable(System.getenv("HOSTNAME"))
            .filter(h -> !h.isBlank())
            .orElseGet(() -> UUID.randomUUID().toString());
    return Optional.of(
        new LeaderLease(
            leaseName,
            leaseNamespace.isBlank() ? client.getConfiguration().getNamespace() : leaseNamespace,
            identity));
  }
}
