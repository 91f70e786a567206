package io.modelship.local.pods;

import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.modelship.local.ChildProcesses;
import io.modelship.local.Java;
import java.io.IOException;
import java.net.ServerSocket;
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
 * asks for, it creates a Pod object and runs a real {@code serving-runtime serve} process with the
 * pod's environment (the model URI mapped by the {@link ModelStore}, a free port, the kubeconfig so
 * the runtime reports through the API as in a cluster). Pod readiness comes from {@code /ready}
 * under the template's readiness probe ({@link Readiness});
 * the Deployment's status (replicas, ready, updated, available, observedGeneration) is kept true;
 * a template change rolls with maxUnavailable 0; scale-down and deletion stop the processes; a
 * process that exits is restarted with back-off and shown as a restarting Pod.
 */
public final class PodRunner implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(PodRunner.class);
  /** The port the Pod's runtime listens on, for the traffic router. */
  public static final String PORT_ANNOTATION = "local.modelship.io/port";
  /**
   * Holds a deleted Pod object, Terminating, until its process has stopped: what a kubelet's
   * graceful termination does in a cluster (the mock API has no grace periods, but honours finalizers).
   */
  public static final String FINALIZER = "local.modelship.io/process";
  static final String NODE = "localhost";
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(20);

  private final KubernetesClient client;
  private final ChildProcesses processes;
  private final Path runtimeJar;
  private final Path kubeconfig;
  private final ModelStore models;
  private final Path workDir;
  private final List<String> jvmOptions;
  private final Map<String, LocalPod> pods = new ConcurrentHashMap<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
  private final java.util.concurrent.ExecutorService stopping = Executors.newVirtualThreadPerTaskExecutor();
  private final ScheduledExecutorService loop =
      Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("pod-runner").factory());

  public PodRunner(KubernetesClient client, ChildProcesses processes, Path runtimeJar, Path kubeconfig,
      ModelStore models, Path workDir, List<String> jvmOptions) {
    this.client = client;
    this.processes = processes;
    this.runtimeJar = runtimeJar;
    this.kubeconfig = kubeconfig;
    this.models = models;
    this.workDir = workDir;
    this.jvmOptions = List.copyOf(jvmOptions);
  }

  public PodRunner start() {
    loop.scheduleWithFixedDelay(this::reconcileSafely, 0, 500, TimeUnit.MILLISECONDS);
    return this;
  }

  /** The processes of pods currently running. */
  public List<Process> processes() {
    return pods.values().stream().map(p -> p.process).filter(Objects::nonNull).toList();
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
    Set<String> podObjects = client.pods().inAnyNamespace().list().getItems().stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .map(p -> p.getMetadata().getNamespace() + "/" + p.getMetadata().getName()).collect(Collectors.toSet());
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
    List<LocalPod> mine = pods.values().stream().filter(p -> p.deploymentKey().equals(key))
        .sorted(Comparator.comparing((LocalPod p) -> p.created)).toList();
    List<LocalPod> current = new ArrayList<>(mine.stream().filter(p -> p.templateHash.equals(hash)).toList());
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
    DeploymentStatus status = new DeploymentStatusBuilder()
        .withObservedGeneration(generation)
        .withReplicas(all.size())
        .withUpdatedReplicas(current.size())
        .withReadyReplicas(ready)
        .withAvailableReplicas(ready)
        .withUnavailableReplicas(Math.max(0, want - ready) == 0 ? null : Math.max(0, want - ready))
        .build();
    DeploymentStatus before = d.getStatus();
    if (before == null || !Objects.equals(before.getObservedGeneration(), status.getObservedGeneration())
        || !Objects.equals(before.getReplicas(), status.getReplicas())
        || !Objects.equals(before.getReadyReplicas(), status.getReadyReplicas())
        || !Objects.equals(before.getUpdatedReplicas(), status.getUpdatedReplicas())
        || !Objects.equals(before.getAvailableReplicas(), status.getAvailableReplicas())) {
      client.apps().deployments().inNamespace(d.getMetadata().getNamespace()).withName(d.getMetadata().getName())
          .editStatus(current1 -> {
            current1.setStatus(status);
            return current1;
          });
    }
  }

  private LocalPod create(Deployment d, String hash) {
    String suffix = Long.toString(ThreadLocalRandom.current().nextLong(36L * 36 * 36 * 36 * 36), 36);
    String name = d.getMetadata().getName() + "-" + hash.substring(0, 9) + "-" + suffix;
    var template = d.getSpec().getTemplate();
    LocalPod pod = new LocalPod(d.getMetadata().getNamespace(), name, d.getMetadata().getName(), hash,
        new Readiness(Readiness.Spec.of(template.getSpec().getContainers().getFirst().getReadinessProbe())));
    Map<String, String> annotations = new LinkedHashMap<>();
    if (template.getMetadata() != null && template.getMetadata().getAnnotations() != null) {
      annotations.putAll(template.getMetadata().getAnnotations());
    }
    Pod object = new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(pod.namespace)
        .withUid(java.util.UUID.randomUUID().toString())
        .withLabels(template.getMetadata() == null ? Map.of() : template.getMetadata().getLabels())
        .withAnnotations(annotations)
        .withFinalizers(FINALIZER)
        .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("apps/v1").withKind("Deployment")
            .withName(d.getMetadata().getName()).withUid(d.getMetadata().getUid()).withController(true)
            .withBlockOwnerDeletion(true).build())
        .endMetadata()
        .withSpec(template.getSpec())
        .editSpec().withNodeName(NODE).endSpec()
        .withNewStatus().withPhase("Pending").endStatus()
        .build();
    client.pods().inNamespace(pod.namespace).resource(object).create();
    pods.put(pod.key(), pod);
    launch(pod, d);
    return pod;
  }

  private void launch(LocalPod pod, Deployment d) {
    try {
      pod.port = freePort();
      Map<String, String> env = environment(pod, d);
      Path logs = Files.createDirectories(workDir.resolve("logs"));
      List<String> command = new ArrayList<>();
      command.add(Java.launcher());
      command.addAll(jvmOptions);
      command.add("-jar");
      command.add(runtimeJar.toString());
      command.add("serve");
      pod.process = processes.start(command, env, logs.resolve(pod.name + ".log"));
      pod.state = LocalPod.State.RUNNING;
      pod.startedAt = Instant.now();
      pod.notReady();
      log.info("pod {} started: pid {}, port {}, model {}", pod.key(), pod.process.pid(), pod.port,
          env.get("MODEL_URI"));
    } catch (IOException e) {
      log.warn("pod {} could not start: {}", pod.key(), e.getMessage());
      pod.state = LocalPod.State.BACKOFF;
      pod.restartAt = Instant.now().plus(backoff(pod.restarts));
    }
  }

  /** The container's env as a kubelet resolves it ({@link PodEnv}), then what running on this machine needs. */
  private Map<String, String> environment(LocalPod pod, Deployment d) throws IOException {
    var container = d.getSpec().getTemplate().getSpec().getContainers().getFirst();
    Pod object = client.pods().inNamespace(pod.namespace).withName(pod.name).get();
    if (object == null) {
      throw new IOException("pod object " + pod.key() + " is gone");
    }
    Map<String, String> env;
    try {
      env = new HashMap<>(PodEnv.resolve(object, container.getEnv(),
          (ns, name) -> Optional.ofNullable(client.secrets().inNamespace(ns).withName(name).get())
              .map(s -> s.getData() == null ? Map.<String, String>of() : s.getData()),
          (ns, name) -> Optional.ofNullable(client.configMaps().inNamespace(ns).withName(name).get())
              .map(c -> c.getData() == null ? Map.<String, String>of() : c.getData())));
    } catch (IllegalArgumentException e) {
      throw new IOException("CreateContainerConfigError: " + e.getMessage(), e);
    }
    env.put("MODEL_URI", models.resolve(env.get("MODEL_URI")));
    env.put("HOST", "127.0.0.1");
    env.put("PORT", Integer.toString(pod.port));
    // Every local pod shares this machine: the operator's GRPC_PORT (8081) would clash between
    // pods, so each takes a free port for its gRPC server (not routed through the Service port).
    env.put("GRPC_PORT", "0");
    env.put("KUBECONFIG", kubeconfig.toString());
    Path scratch = Files.createDirectories(workDir.resolve("pods").resolve(pod.name));
    env.put("MODEL_WORK_DIR", scratch.toString());
    env.putIfAbsent("POD_NAME", pod.name);
    env.putIfAbsent("POD_NAMESPACE", pod.namespace);
    return env;
  }

  /** Probes, restarts and status of one pod. */
  private void tend(LocalPod pod, Deployment d) {
    Instant now = Instant.now();
    if (pod.state == LocalPod.State.RUNNING && !pod.process.isAlive()) {
      pod.lastExitCode = pod.process.exitValue();
      pod.lastFinishedAt = now;
      pod.restarts++;
      pod.notReady();
      pod.state = LocalPod.State.BACKOFF;
      pod.restartAt = now.plus(backoff(pod.restarts - 1));
      log.warn("pod {} exited with {}; restart {} in {}", pod.key(), pod.lastExitCode, pod.restarts,
          Duration.between(now, pod.restartAt));
    } else if (pod.state == LocalPod.State.BACKOFF && !now.isBefore(pod.restartAt)) {
      launch(pod, d);
    } else if (pod.state == LocalPod.State.RUNNING && pod.readiness.due(now)) {
      pod.readiness.record(now, probe(pod));
    }
    writeStatus(pod, d);
  }

  private boolean probe(LocalPod pod) {
    try {
      HttpResponse<Void> response = http.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + pod.port + "/ready"))
              .timeout(pod.readiness.spec().timeout()).GET().build(),
          HttpResponse.BodyHandlers.discarding());
      return response.statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private void writeStatus(LocalPod pod, Deployment d) {
    var container = d.getSpec().getTemplate().getSpec().getContainers().getFirst();
    ContainerStatusBuilder cs = new ContainerStatusBuilder().withName(container.getName())
        .withImage(container.getImage()).withImageID("local://" + runtimeJar.getFileName())
        .withContainerID(pod.process == null ? null : "process://" + pod.process.pid())
        .withReady(pod.ready()).withStarted(pod.state == LocalPod.State.RUNNING).withRestartCount(pod.restarts);
    if (pod.state == LocalPod.State.RUNNING) {
      cs.withState(new ContainerStateBuilder().withNewRunning().withStartedAt(ts(pod.startedAt)).endRunning().build());
    } else {
      cs.withState(new ContainerStateBuilder().withNewWaiting()
          .withReason(pod.restarts > 0 ? "CrashLoopBackOff" : "ContainerCreating")
          .withMessage(pod.restarts > 0 ? "back-off restarting failed container " + container.getName() : null)
          .endWaiting().build());
    }
    if (pod.lastExitCode != null) {
      cs.withLastState(new ContainerStateBuilder().withNewTerminated().withExitCode(pod.lastExitCode)
          .withReason(pod.lastExitCode == 0 ? "Completed" : "Error").withFinishedAt(ts(pod.lastFinishedAt))
          .endTerminated().build());
    }
    ContainerStatus containerStatus = cs.build();
    String ready = pod.ready() ? "True" : "False";
    List<PodCondition> conditions = List.of(
        condition("PodScheduled", "True"), condition("Initialized", "True"),
        condition("ContainersReady", ready), condition("Ready", ready));
    PodStatus status = new PodStatusBuilder()
        .withPhase(pod.state == LocalPod.State.RUNNING || pod.restarts > 0 ? "Running" : "Pending")
        .withPodIP("127.0.0.1").withHostIP("127.0.0.1").withStartTime(ts(pod.created))
        .withConditions(conditions).withContainerStatuses(containerStatus).build();
    Pod existing = client.pods().inNamespace(pod.namespace).withName(pod.name).get();
    if (existing == null) {
      return;
    }
    String port = Integer.toString(pod.port);
    boolean annotated = existing.getMetadata().getAnnotations() != null
        && port.equals(existing.getMetadata().getAnnotations().get(PORT_ANNOTATION));
    if (!annotated) {
      client.pods().inNamespace(pod.namespace).withName(pod.name).edit(p -> {
        p.getMetadata().getAnnotations().put(PORT_ANNOTATION, port);
        return p;
      });
    }
    if (!sameStatus(existing.getStatus(), status)) {
      client.pods().inNamespace(pod.namespace).withName(pod.name).editStatus(p -> {
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
    return Objects.equals(a.getPhase(), b.getPhase()) && Objects.equals(a.getContainerStatuses(), b.getContainerStatuses())
        && Objects.equals(a.getConditions().stream().map(c -> c.getType() + c.getStatus()).toList(),
            b.getConditions().stream().map(c -> c.getType() + c.getStatus()).toList());
  }

  private static PodCondition condition(String type, String status) {
    return new PodConditionBuilder().withType(type).withStatus(status).build();
  }

  /**
   * Stops a pod as Kubernetes terminates one: the Pod object is deleted at once and, held by
   * {@link #FINALIZER}, shows Terminating (out of its Services' ready endpoints; like kube-proxy,
   * the router still uses a terminating pod that is Ready when a Service has no other), then the
   * process gets SIGTERM and its shutdown delay and drain, then the finalizer goes and so does the
   * object. In the background, so one slow shutdown does not hold up the other pods.
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
    stopping.submit(() -> {
      if (pod.process != null) {
        log.info("pod {} stopping (pid {})", pod.key(), pod.process.pid());
        processes.stop(pod.process, Duration.ofSeconds(15));
      }
      if (!deleteObject) {
        return; // shutting down: the objects go with the API
      }
      try {
        client.pods().inNamespace(pod.namespace).withName(pod.name).edit(p -> {
          p.getMetadata().setFinalizers(p.getMetadata().getFinalizers().stream()
              .filter(f -> !f.equals(FINALIZER)).toList());
          return p;
        });
      } catch (KubernetesClientException e) {
        log.debug("pod {} already gone: {}", pod.key(), e.getMessage());
      }
    });
  }

  static String templateHash(Deployment d) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest(Serialization.asJson(d.getSpec().getTemplate()).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest).substring(0, 10);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static Duration backoff(int restarts) {
    Duration d = Duration.ofSeconds(1L << Math.min(restarts, 5));
    return d.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : d;
  }

  private static String ts(Instant t) {
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
