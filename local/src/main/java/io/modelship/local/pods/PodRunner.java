package io.modelship.local.pods;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plays the Deployment controller and the kubelet on this machine. For each replica a Deployment
 * asks for, it creates a Pod object and starts its container through {@link Containers} (a real
 * {@code serving-runtime serve} process, or a podman container of the pod's image) with the pod's
 * environment (the model URI mapped by the {@link ModelStore}, a free port, the kubeconfig so the
 * runtime reports through the API as in a cluster). Startup and liveness probes as a kubelet runs
 * them ({@link Liveness}: a failing container is killed and restarted), readiness from the
 * template's readiness probe ({@link Readiness}); the Deployment's status (replicas, ready,
 * updated, available, observedGeneration) is kept true; a template change rolls with maxUnavailable
 * 0; scale-down and deletion stop the containers; a container that exits is restarted with back-off
 * and shown as a restarting Pod, its last state ({@code OOMKilled}, {@code Error}) and a start that
 * failed ({@code ErrImagePull}, {@code CreateContainerConfigError}) as a kubelet shows them.
 */
public final class PodRunner implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(PodRunner.class);

  /** The port the Pod's runtime listens on, for the traffic router. */
  public static final String PORT_ANNOTATION = "local.modelship.io/port";

  /**
   * The pod's gRPC port ({@code GRPC_PORT}), which the traffic router forwards a Service's {@code
   * grpc} port to.
   */
  public static final String GRPC_PORT_ANNOTATION = "local.modelship.io/grpc-port";

  /**
   * Holds a deleted Pod object, Terminating, until its container has stopped: what a kubelet's
   * graceful termination does in a cluster (the mock API has no grace periods, but honours
   * finalizers).
   */
  public static final String FINALIZER = "local.modelship.io/process";

  static final String NODE = "localhost";
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(20);

  /**
   * How long a failed image pull shows {@code ErrImagePull} before {@code ImagePullBackOff}, as a
   * kubelet's next sync.
   */
  private static final Duration PULL_ERROR_SHOWN = Duration.ofSeconds(2);

  private final KubernetesClient client;
  private final Containers containers;
  private final Path workDir;
  private final Map<String, LocalPod> pods = new ConcurrentHashMap<>();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
  private final java.util.concurrent.ExecutorService stopping =
      Executors.newVirtualThreadPerTaskExecutor();
  private final ScheduledExecutorService loop =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().daemon().name("pod-runner").factory());

  public PodRunner(KubernetesClient client, Containers containers, Path workDir) {
    this.client = client;
    this.containers = containers;
    this.workDir = workDir;
  }

  public PodRunner start() {
    loop.scheduleWithFixedDelay(this::reconcileSafely, 0, 500, TimeUnit.MILLISECONDS);
    return this;
  }

  /**
   * The local processes of the containers currently running (the runtimes' JVMs, or their {@code
   * podman run}).
   */
  public List<Process> processes() {
    return pods.values().stream()
        .map(p -> p.container)
        .filter(Objects::nonNull)
        .map(Containers.Running::process)
        .toList();
  }

  /**
   * CPU time the running container of pod {@code namespace/name} has used, in nanoseconds: what a
   * kubelet's summary API gives metrics-server. Empty when the pod has no running container here.
   */
  public java.util.OptionalLong cpuNanos(String namespace, String name) {
    LocalPod pod = pods.get(namespace + "/" + name);
    Containers.Running container = pod == null ? null : pod.container;
    return container == null || !container.alive()
        ? java.util.OptionalLong.empty()
        : container.cpuNanos();
  }

  private void reconcileSafely() {
    try {
      reconcile();
    } catch (KubernetesClientException e) {
      log.debug("pod runner: {}", e.getMessage());
    } catch (RuntimeException e) {
      log.warn("pod runner loop failed", e);
    }
  }

  synchronized void reconcile() {
    List<Deployment> deployments = client.apps().deployments().inAnyNamespace().list().getItems();
    Set<String> podObjects =
        client.pods().inAnyNamespace().list().getItems().stream()
            .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
            .map(p -> p.getMetadata().getNamespace() + "/" + p.getMetadata().getName())
            .collect(Collectors.toSet());
    // A pod deleted through the API (kubectl delete pod) stops; its Deployment gets a new one.
    for (LocalPod pod : List.copyOf(pods.values())) {
      if (!podObjects.contains(pod.key()) && pod.state != LocalPod.State.STARTING) {
        stop(pod, true);
      }
    }
    Set<String> live = new java.util.HashSet<>();
    for (Deployment d : deployments) {
      String key = d.getMetadata().getNamespace() + "/" + d.getMetadata().getName();
      live.add(key);
      reconcile(d, key);
    }
    for (LocalPod pod : List.copyOf(pods.values())) {
      if (!live.contains(pod.deploymentKey())) {
        stop(pod, true);
      }
    }
  }

  private void reconcile(Deployment d, String key) {
    int want = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
    String hash = templateHash(d);
    List<LocalPod> mine =
        pods.values().stream()
            .filter(p -> p.deploymentKey().equals(key))
            .sorted(Comparator.comparing((LocalPod p) -> p.created))
            .toList();
    List<LocalPod> current =
        new ArrayList<>(mine.stream().filter(p -> p.templateHash.equals(hash)).toList());
    List<LocalPod> old = mine.stream().filter(p -> !p.templateHash.equals(hash)).toList();
    while (current.size() < want) {
      current.add(create(d, hash));
    }
    while (current.size() > want) {
      stop(current.removeLast(), true);
    }
    for (LocalPod pod : current) {
      tend(pod, d);
    }
    long readyNew = current.stream().filter(LocalPod::ready).count();
    if (!old.isEmpty() && readyNew >= want) {
      old.forEach(p -> stop(p, true));
      old = List.of();
    } else {
      old.forEach(p -> tend(p, d));
    }
    List<LocalPod> all = new ArrayList<>(current);
    all.addAll(old);
    int ready = (int) all.stream().filter(LocalPod::ready).count();
    long generation = d.getMetadata().getGeneration() == null ? 1 : d.getMetadata().getGeneration();
    DeploymentStatus status =
        new DeploymentStatusBuilder()
            .withObservedGeneration(generation)
            .withReplicas(all.size())
            .withUpdatedReplicas(current.size())
            .withReadyReplicas(ready)
            .withAvailableReplicas(ready)
            .withUnavailableReplicas(
                Math.max(0, want - ready) == 0 ? null : Math.max(0, want - ready))
            .build();
    DeploymentStatus before = d.getStatus();
    if (before == null
        || !Objects.equals(before.getObservedGeneration(), status.getObservedGeneration())
        || !Objects.equals(before.getReplicas(), status.getReplicas())
        || !Objects.equals(before.getReadyReplicas(), status.getReadyReplicas())
        || !Objects.equals(before.getUpdatedReplicas(), status.getUpdatedReplicas())
        || !Objects.equals(before.getAvailableReplicas(), status.getAvailableReplicas())) {
      client
          .apps()
          .deployments()
          .inNamespace(d.getMetadata().getNamespace())
          .withName(d.getMetadata().getName())
          .editStatus(
              current1 -> {
                current1.setStatus(status);
                return current1;
              });
    }
  }

  private LocalPod create(Deployment d, String hash) {
    String suffix =
        Long.toString(ThreadLocalRandom.current().nextLong(36L * 36 * 36 * 36 * 36), 36);
    String name = d.getMetadata().getName() + "-" + hash.substring(0, 9) + "-" + suffix;
    var template = d.getSpec().getTemplate();
    var container = template.getSpec().getContainers().getFirst();
    LocalPod pod =
        new LocalPod(
            d.getMetadata().getNamespace(),
            name,
            d.getMetadata().getName(),
            hash,
            new Readiness(Readiness.Spec.of(container.getReadinessProbe())),
            new Liveness(container.getStartupProbe(), container.getLivenessProbe()));
    pod.grace = grace(d);
    Map<String, String> annotations = new LinkedHashMap<>();
    if (template.getMetadata() != null && template.getMetadata().getAnnotations() != null) {
      annotations.putAll(template.getMetadata().getAnnotations());
    }
    Pod object =
        new PodBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(pod.namespace)
            .withUid(java.util.UUID.randomUUID().toString())
            .withLabels(
                template.getMetadata() == null ? Map.of() : template.getMetadata().getLabels())
            .withAnnotations(annotations)
            .withFinalizers(FINALIZER)
            .withOwnerReferences(
                new OwnerReferenceBuilder()
                    .withApiVersion("apps/v1")
                    .withKind("Deployment")
                    .withName(d.getMetadata().getName())
                    .withUid(d.getMetadata().getUid())
                    .withController(true)
                    .withBlockOwnerDeletion(true)
                    .build())
            .endMetadata()
            .withSpec(template.getSpec())
            .editSpec()
            .withNodeName(NODE)
            .endSpec()
            .withNewStatus()
            .withPhase("Pending")
            .endStatus()
            .build();
    client.pods().inNamespace(pod.namespace).resource(object).create();
    pods.put(pod.key(), pod);
    launch(pod, d);
    return pod;
  }

  private void launch(LocalPod pod, Deployment d) {
    var container = d.getSpec().getTemplate().getSpec().getContainers().getFirst();
    try {
      pod.port = freePort();
      pod.grpcPort = freePort();
      Pod object = client.pods().inNamespace(pod.namespace).withName(pod.name).get();
      if (object == null) {
        throw new IOException("pod object " + pod.key() + " is gone");
      }
      Map<String, String> env = environment(client, object, container, pod.port, pod.grpcPort);
      Path logs = Files.createDirectories(workDir.resolve("logs"));
      pod.container = containers.start(object, container, env, logs.resolve(pod.name + ".log"));
      if (pod.imageId == null) {
        pod.imageId = containers.imageId(container);
      }
      pod.state = LocalPod.State.RUNNING;
      pod.startedAt = Instant.now();
      pod.notReady();
      pod.liveness.started(pod.startedAt);
      pod.waitingReason = null;
      pod.waitingMessage = null;
      pod.startFailures = 0;
      log.info(
          "pod {} started as {}: port {}, model {}",
          pod.key(),
          containers.mode().replaceAll("e?s$", ""),
          pod.port,
          env.get("MODEL_URI"));
    } catch (Containers.StartFailure e) {
      failedStart(pod, container.getName(), e.reason(), e.getMessage());
    } catch (IOException e) {
      failedStart(pod, container.getName(), "RunContainerError", e.getMessage());
    }
  }

  /**
   * A container that could not be started waits with the kubelet's reason and is tried again with
   * back-off.
   */
  private void failedStart(LocalPod pod, String container, String reason, String message) {
    Instant now = Instant.now();
    pod.container = null;
    pod.state = LocalPod.State.BACKOFF;
    pod.waitingReason = reason;
    pod.waitingMessage = message;
    pod.waitingSince = now;
    pod.restartAt = now.plus(backoff(pod.startFailures++));
    log.warn("pod {} could not start: {}: {}", pod.key(), reason, message);
    event(pod, "Warning", "Failed", "Error: " + reason + ": " + message);
  }

  /**
   * The container's env as a kubelet resolves it ({@link PodEnv}), then what running on this
   * machine needs: every pod shares 127.0.0.1, so each listens there on a port of its own.
   */
  static Map<String, String> environment(
      KubernetesClient client, Pod object, Container container, int port, int grpcPort)
      throws Containers.StartFailure {
    Map<String, String> env;
    try {
      env =
          new HashMap<>(
              PodEnv.resolve(
                  object,
                  container.getEnv(),
                  (ns, name) ->
                      Optional.ofNullable(client.secrets().inNamespace(ns).withName(name).get())
                          .map(PodEnv::secretData),
                  (ns, name) ->
                      Optional.ofNullable(client.configMaps().inNamespace(ns).withName(name).get())
                          .map(c -> c.getData() == null ? Map.<String, String>of() : c.getData())));
    } catch (IllegalArgumentException e) {
      throw new Containers.StartFailure("CreateContainerConfigError", e.getMessage());
    }
    env.put("HOST", "127.0.0.1");
    env.put("PORT", Integer.toString(port));
    // Every local pod shares this machine's network: the operator's GRPC_PORT (8081) would clash
    // between pods, so each gets a free port of its own, which the traffic router forwards the
    // Service's grpc port to (it reads it from the pod's annotation).
    env.put("GRPC_PORT", Integer.toString(grpcPort));
    env.putIfAbsent("POD_NAME", object.getMetadata().getName());
    env.putIfAbsent("POD_NAMESPACE", object.getMetadata().getNamespace());
    return env;
  }

  /** Probes, restarts and status of one pod. */
  private void tend(LocalPod pod, Deployment d) {
    Instant now = Instant.now();
    var container = d.getSpec().getTemplate().getSpec().getContainers().getFirst();
    if ((pod.state == LocalPod.State.RUNNING || pod.state == LocalPod.State.KILLING)
        && !pod.container.alive()) {
      ended(pod, container.getName(), now);
    } else if (pod.state == LocalPod.State.BACKOFF && !now.isBefore(pod.restartAt)) {
      launch(pod, d);
    } else if (pod.state == LocalPod.State.RUNNING) {
      Liveness live = pod.liveness;
      if (live.startupDue(now)) {
        if (live.recordStartup(now, probe(pod, live.startupProbe(), live.startupSpec()))) {
          kill(
              pod,
              d,
              "Startup probe failed: no success within its failureThreshold × periodSeconds");
        }
      } else if (live.livenessDue(now)
          && live.recordLiveness(now, probe(pod, live.livenessProbe(), live.livenessSpec()))) {
        kill(
            pod,
            d,
            "Liveness probe failed " + live.livenessSpec().failureThreshold() + " times in a row");
      }
      if (pod.state == LocalPod.State.RUNNING && live.hasStarted() && pod.readiness.due(now)) {
        pod.readiness.record(now, probe(pod, container.getReadinessProbe(), pod.readiness.spec()));
      }
    }
    writeStatus(pod, d);
  }

  /**
   * The container has exited (by itself, killed for memory, or by a failed probe): restart with
   * back-off.
   */
  private void ended(LocalPod pod, String container, Instant now) {
    pod.lastExit = pod.container.exit();
    pod.lastStartedAt = pod.startedAt;
    pod.lastFinishedAt = now;
    pod.restarts++;
    pod.notReady();
    pod.state = LocalPod.State.BACKOFF;
    pod.restartAt = now.plus(backoff(pod.restarts - 1));
    pod.waitingReason = "CrashLoopBackOff";
    pod.waitingMessage =
        "back-off "
            + Duration.between(now, pod.restartAt).toSeconds()
            + "s restarting failed container="
            + container
            + " pod="
            + pod.name
            + "_"
            + pod.namespace;
    pod.waitingSince = now;
    log.warn(
        "pod {} exited with {} ({}); restart {} in {}",
        pod.key(),
        pod.lastExit.code(),
        pod.lastExit.reason(),
        pod.restarts,
        Duration.between(now, pod.restartAt));
    if ("OOMKilled".equals(pod.lastExit.reason())) {
      event(
          pod,
          "Warning",
          "OOMKilled",
          "Container " + container + " was killed for exceeding its memory limit");
    }
    event(pod, "Warning", "BackOff", "Back-off restarting failed container " + container);
  }

  /**
   * A failed startup or liveness probe: the container is stopped in its grace period, then
   * restarted.
   */
  private void kill(LocalPod pod, Deployment d, String why) {
    var container = d.getSpec().getTemplate().getSpec().getContainers().getFirst();
    pod.state = LocalPod.State.KILLING;
    pod.notReady();
    log.warn("pod {}: {}; killing its container", pod.key(), why);
    event(pod, "Warning", "Unhealthy", why);
    event(
        pod,
        "Normal",
        "Killing",
        "Container "
            + container.getName()
            + " "
            + why.toLowerCase(Locale.ROOT)
            + ", will be restarted");
    Containers.Running running = pod.container;
    Duration grace = grace(d);
    stopping.submit(() -> running.stop(grace));
  }

  private static Duration grace(Deployment d) {
    Long seconds = d.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds();
    return Duration.ofSeconds(seconds == null ? 30 : Math.max(1, seconds));
  }

  /**
   * One probe: {@code httpGet} (2xx/3xx succeeds) or {@code tcpSocket} against the pod on
   * 127.0.0.1. The probe's port names the container's port, which on this machine is the pod's own
   * {@code PORT}; no probe at all succeeds, as a kubelet counts it. An {@code exec} or {@code grpc}
   * probe is not run here and counts as succeeding (local/README.md says so).
   */
  private boolean probe(LocalPod pod, Probe probe, Readiness.Spec spec) {
    if (probe == null || (probe.getHttpGet() == null && probe.getTcpSocket() == null)) {
      return true;
    }
    try {
      if (probe.getTcpSocket() != null) {
        try (Socket socket = new Socket()) {
          socket.connect(
              new InetSocketAddress("127.0.0.1", pod.port), (int) spec.timeout().toMillis());
          return true;
        }
      }
      String path = probe.getHttpGet().getPath() == null ? "/" : probe.getHttpGet().getPath();
      HttpResponse<Void> response =
          http.send(
              HttpRequest.newBuilder(
                      URI.create(
                          "http://127.0.0.1:"
                              + pod.port
                              + (path.startsWith("/") ? path : "/" + path)))
                  .timeout(spec.timeout())
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.discarding());
      return response.statusCode() >= 200 && response.statusCode() < 400;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * An Event about the pod, as the kubelet writes them; {@code kubectl describe pod} lists them.
   */
  private void event(LocalPod pod, String type, String reason, String message) {
    try {
      Instant now = Instant.now();
      client
          .v1()
          .events()
          .inNamespace(pod.namespace)
          .resource(
              new EventBuilder()
                  .withNewMetadata()
                  .withNamespace(pod.namespace)
                  .withName(pod.name + "." + Long.toHexString(System.nanoTime()))
                  .endMetadata()
                  .withNewInvolvedObject()
                  .withApiVersion("v1")
                  .withKind("Pod")
                  .withNamespace(pod.namespace)
                  .withName(pod.name)
                  .withFieldPath("spec.containers{serving}")
                  .endInvolvedObject()
                  .withType(type)
                  .withReason(reason)
                  .withMessage(message)
                  .withCount(1)
                  .withFirstTimestamp(ts(now))
                  .withLastTimestamp(ts(now))
                  .withNewSource()
                  .withComponent("kubelet")
                  .withHost(NODE)
                  .endSource()
                  .build())
          .create();
    } catch (KubernetesClientException e) {
      log.debug("event for pod {} not written: {}", pod.key(), e.getMessage());
    }
  }

  private void writeStatus(LocalPod pod, Deployment d) {
    var container = d.getSpec().getTemplate().getSpec().getContainers().getFirst();
    boolean running = pod.state == LocalPod.State.RUNNING || pod.state == LocalPod.State.KILLING;
    ContainerStatusBuilder cs =
        new ContainerStatusBuilder()
            .withName(container.getName())
            .withImage(container.getImage())
            .withImageID(pod.imageId)
            .withContainerID(pod.container == null ? null : pod.container.id())
            .withReady(pod.ready())
            .withStarted(running && pod.liveness.hasStarted())
            .withRestartCount(pod.restarts);
    if (running) {
      cs.withState(
          new ContainerStateBuilder()
              .withNewRunning()
              .withStartedAt(ts(pod.startedAt))
              .endRunning()
              .build());
    } else {
      String reason = pod.waitingReason == null ? "ContainerCreating" : pod.waitingReason;
      String message = pod.waitingMessage;
      if (reason.equals("ErrImagePull")
          && Instant.now().isAfter(pod.waitingSince.plus(PULL_ERROR_SHOWN))) {
        reason = "ImagePullBackOff";
        message = "Back-off pulling image \"" + container.getImage() + "\": " + pod.waitingMessage;
      }
      cs.withState(
          new ContainerStateBuilder()
              .withNewWaiting()
              .withReason(reason)
              .withMessage(message)
              .endWaiting()
              .build());
    }
    if (pod.lastExit != null) {
      cs.withLastState(
          new ContainerStateBuilder()
              .withNewTerminated()
              .withExitCode(pod.lastExit.code())
              .withReason(pod.lastExit.reason())
              .withMessage(pod.lastExit.message())
              .withStartedAt(ts(pod.lastStartedAt))
              .withFinishedAt(ts(pod.lastFinishedAt))
              .endTerminated()
              .build());
    }
    ContainerStatus containerStatus = cs.build();
    String ready = pod.ready() ? "True" : "False";
    List<PodCondition> conditions =
        List.of(
            condition("PodScheduled", "True"), condition("Initialized", "True"),
            condition("ContainersReady", ready), condition("Ready", ready));
    PodStatus status =
        new PodStatusBuilder()
            .withPhase(running || pod.restarts > 0 ? "Running" : "Pending")
            .withPodIP("127.0.0.1")
            .withHostIP("127.0.0.1")
            .withStartTime(ts(pod.created))
            .withConditions(conditions)
            .withContainerStatuses(containerStatus)
            .build();
    Pod existing = client.pods().inNamespace(pod.namespace).withName(pod.name).get();
    if (existing == null) {
      return;
    }
    String port = Integer.toString(pod.port);
    String grpcPort = Integer.toString(pod.grpcPort);
    boolean annotated =
        existing.getMetadata().getAnnotations() != null
            && port.equals(existing.getMetadata().getAnnotations().get(PORT_ANNOTATION))
            && grpcPort.equals(existing.getMetadata().getAnnotations().get(GRPC_PORT_ANNOTATION));
    if (!annotated) {
      client
          .pods()
          .inNamespace(pod.namespace)
          .withName(pod.name)
          .edit(
              p -> {
                p.getMetadata().getAnnotations().put(PORT_ANNOTATION, port);
                p.getMetadata().getAnnotations().put(GRPC_PORT_ANNOTATION, grpcPort);
                return p;
              });
    }
    if (!sameStatus(existing.getStatus(), status)) {
      client
          .pods()
          .inNamespace(pod.namespace)
          .withName(pod.name)
          .editStatus(
              p -> {
                p.setStatus(status);
                return p;
              });
    }
  }

  /** Equal apart from transition times, so an unchanged pod costs no write. */
  private static boolean sameStatus(PodStatus a, PodStatus b) {
    if (a == null) {
      return false;
    }
    return Objects.equals(a.getPhase(), b.getPhase())
        && Objects.equals(a.getContainerStatuses(), b.getContainerStatuses())
        && Objects.equals(
            a.getConditions().stream().map(c -> c.getType() + c.getStatus()).toList(),
            b.getConditions().stream().map(c -> c.getType() + c.getStatus()).toList());
  }

  private static PodCondition condition(String type, String status) {
    return new PodConditionBuilder().withType(type).withStatus(status).build();
  }

  /**
   * Stops a pod as Kubernetes terminates one: the Pod object is deleted at once and, held by {@link
   * #FINALIZER}, shows Terminating (out of its Services' ready endpoints; like kube-proxy, the
   * router still uses a terminating pod that is Ready when a Service has no other), then the
   * container gets SIGTERM and its shutdown delay and drain (SIGKILL after the grace period), then
   * the finalizer goes and so does the object. In the background, so one slow shutdown does not
   * hold up the other pods.
   */
  private void stop(LocalPod pod, boolean deleteObject) {
    pod.state = LocalPod.State.STOPPING;
    pod.notReady();
    pods.remove(pod.key());
    if (deleteObject) {
      try {
        client.pods().inNamespace(pod.namespace).withName(pod.name).delete();
      } catch (KubernetesClientException e) {
        log.debug("pod {} already gone: {}", pod.key(), e.getMessage());
      }
    }
    stopping.submit(
        () -> {
          Containers.Running running = pod.container;
          if (running != null) {
            log.info("pod {} stopping ({})", pod.key(), running.id());
            running.stop(pod.grace);
          }
          if (!deleteObject) {
            return; // shutting down: the objects go with the API
          }
          try {
            client
                .pods()
                .inNamespace(pod.namespace)
                .withName(pod.name)
                .edit(
                    p -> {
                      p.getMetadata()
                          .setFinalizers(
                              p.getMetadata().getFinalizers().stream()
                                  .filter(f -> !f.equals(FINALIZER))
                                  .toList());
                      return p;
                    });
          } catch (KubernetesClientException e) {
            log.debug("pod {} already gone: {}", pod.key(), e.getMessage());
          }
        });
  }

  static String templateHash(Deployment d) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(
                  Serialization.asJson(d.getSpec().getTemplate()).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest).substring(0, 10);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static Duration backoff(int restarts) {
    Duration d = Duration.ofSeconds(1L << Math.min(restarts, 5));
    return d.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : d;
  }

  static String ts(Instant t) {
    return t == null ? null : t.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() {
    loop.shutdownNow();
    try {
      loop.awaitTermination(5, TimeUnit.SECONDS);
      List.copyOf(pods.values()).forEach(p -> stop(p, false));
      stopping.shutdown();
      stopping.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
