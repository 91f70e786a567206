package io.modelship.local.pods;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.modelship.local.kube.EmbeddedApiServer;
import io.modelship.local.kube.Kubectl;
import io.modelship.local.process.ChildProcesses;
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
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Pods as containers ({@code --pods containers}) with the pod spec enforced, each case a Deployment
 * the pod runner plays kubelet for: the serving pod as the operator writes it runs with its
 * security context, limits and tmpfs applied; a container over its memory limit is OOMKilled and
 * restarted, as {@code kubectl describe pod} tells; a missing image is ErrImagePull, then
 * ImagePullBackOff; a root image under runAsNonRoot is refused with CreateContainerConfigError; a
 * failing liveness probe restarts the container; a Job's container leaves its termination message
 * (the runtime's retrain result) on a read-only root. After close, no container of the run is left.
 * On CI a missing podman fails the test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ContainerPodsIT {

  static final Path HOME =
      Path.of(System.getProperty("modelship.home", "..")).toAbsolutePath().normalize();
  static final String IMAGE = ContainerImages.RUNTIME_IMAGE;
  static final String ROOT_IMAGE = "localhost/modelship-local-test/root:1";
  static final String NS = "ml";

  Path work;
  ChildProcesses processes;
  EmbeddedApiServer api;
  KubernetesClient client;
  PodmanContainers containers;
  PodRunner runner;
  JobRunner jobs;

  @BeforeAll
  void start() throws Exception {
    ContainerImages.requireRuntimeImage(HOME);
    ContainerImages.requireRootImage(ROOT_IMAGE);
    work =
        Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "container-pods");
    api = EmbeddedApiServer.start(0, work.resolve("kubeconfig"), HOME.resolve("crds"));
    client = api.client();
    processes = new ChildProcesses();
    containers =
        new PodmanContainers(
            processes,
            work.resolve("kubeconfig"),
            new ModelStore(List.of(HOME.resolve("examples/models"))),
            work);
    runner = new PodRunner(client, containers, work).start();
    jobs = new JobRunner(client, containers, work).start();
    client
        .namespaces()
        .resource(
            new io.fabric8.kubernetes.api.model.NamespaceBuilder()
                .withNewMetadata()
                .withName(NS)
                .endMetadata()
                .build())
        .create();
    create(deployment("serving", IMAGE, c -> c, null));
    create(
        deployment(
            "hog",
            IMAGE,
            c ->
                new ContainerBuilder(c)
                    // the heap touched at start, beyond the 96Mi limit: the kernel kills the JVM
                    .addNewEnv()
                    .withName("JAVA_TOOL_OPTIONS")
                    .withValue("-Xms256m -Xmx256m -XX:+AlwaysPreTouch")
                    .endEnv()
                    .editResources()
                    .addToLimits("memory", new Quantity("96Mi"))
                    .endResources()
                    .build(),
            null));
    create(
        deployment("missing", "ghcr.io/modelship/serving-runtime:0.0.0-not-built", c -> c, null));
    create(
        deployment(
            "rooted",
            ROOT_IMAGE,
            c ->
                new ContainerBuilder(c)
                    .editSecurityContext()
                    .withRunAsUser(null)
                    .endSecurityContext()
                    .build(),
            new PodSecurityContextBuilder().withRunAsNonRoot(true).build()));
    // A Job of the runtime image, restricted as the operator's retraining Job: its retrain with
    // nothing to retrain writes a Failed result to /dev/termination-log on a read-only root.
    var template =
        deployment(
                "retrain",
                IMAGE,
                c ->
                    new ContainerBuilder(c)
                        .withName("retrain")
                        .withArgs("retrain")
                        .withEnv()
                        .withPorts()
                        .withStartupProbe(null)
                        .withLivenessProbe(null)
                        .withReadinessProbe(null)
                        .build(),
                null)
            .getSpec()
            .getTemplate();
    template.getSpec().setRestartPolicy("Never");
    client
        .batch()
        .v1()
        .jobs()
        .inNamespace(NS)
        .resource(
            new io.fabric8.kubernetes.api.model.batch.v1.JobBuilder()
                .withNewMetadata()
                .withName("retrain")
                .withNamespace(NS)
                .endMetadata()
                .withNewSpec()
                .withBackoffLimit(0)
                .withTemplate(template)
                .endSpec()
                .build())
        .create();
    create(
        deployment(
            "unhealthy",
            IMAGE,
            c ->
                new ContainerBuilder(c).withLivenessProbe(httpProbe("/no-such-path", 1, 2)).build(),
            null));
  }

  @AfterAll
  void stop() {
    String prefix = containers == null ? null : containers.runId();
    if (jobs != null) {
      jobs.close();
    }
    if (runner != null) {
      runner.close();
    }
    if (containers != null) {
      containers.close();
    }
    if (processes != null) {
      processes.close();
    }
    if (api != null) {
      api.close();
    }
    if (prefix != null) {
      assertThat(ContainerImages.containersNamed(prefix))
          .as("containers of run " + prefix + " left behind")
          .isEmpty();
    }
  }

  @Test
  void theServingPodRunsWithItsSecurityContextLimitsAndTmpfsApplied() throws Exception {
    Pod pod =
        await()
            .atMost(Duration.ofMinutes(2))
            .pollInterval(Duration.ofMillis(500))
            .until(() -> pod("serving"), p -> p.isPresent() && ready(p.get()))
            .orElseThrow();
    String name = containers.runId() + "-" + pod.getMetadata().getName();
    var inspect =
        PodmanContainers.run(
            podman(
                "inspect",
                "--type",
                "container",
                "--format",
                "{{.Config.User}}|{{.HostConfig.ReadonlyRootfs}}|{{.HostConfig.Memory}}|{{.HostConfig.NanoCpus}}"
                    + "|{{.HostConfig.CapDrop}}|{{.HostConfig.SecurityOpt}}|{{.HostConfig.Tmpfs}}|{{.HostConfig.NetworkMode}}",
                name),
            Duration.ofSeconds(30));
    assertThat(inspect.code()).as(inspect.output()).isZero();
    String[] f = inspect.output().strip().split("\\|");
    assertThat(f[0]).as("user").isEqualTo("65532:65532");
    assertThat(f[1]).as("read-only root filesystem").isEqualTo("true");
    assertThat(f[2]).as("memory limit").isEqualTo(Long.toString(1024L * 1024 * 1024));
    assertThat(f[3]).as("cpu limit (nano cpus)").isEqualTo("1000000000");
    assertThat(f[4]).as("capabilities dropped").contains("CAP_CHOWN", "CAP_NET_RAW", "CAP_SETUID");
    assertThat(f[5]).as("security options").contains("no-new-privileges");
    assertThat(f[5])
        .as("seccomp RuntimeDefault is podman's default profile")
        .doesNotContain("seccomp=unconfined");
    assertThat(f[6]).as("emptyDir as tmpfs").contains("/tmp").contains("size=67108864");
    assertThat(f[7]).isEqualTo("host");
    ContainerStatus status = pod.getStatus().getContainerStatuses().getFirst();
    assertThat(status.getContainerID()).startsWith("podman://");
    assertThat(status.getImageID()).startsWith("sha256:");
    assertThat(status.getStarted()).as("the startup probe succeeded").isTrue();
    // It serves: the model package mounted read-only, unpacked into the tmpfs.
    String port = pod.getMetadata().getAnnotations().get(PodRunner.PORT_ANNOTATION);
    HttpResponse<String> answer =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/predict"))
                    .header("Content-Type", "application/json")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "{\"features\":{\"sepal_length\":5.1,\"sepal_width\":3.5,"
                                + "\"petal_length\":1.4,\"petal_width\":0.2}}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
  }

  @Test
  void aJobsContainerLeavesItsTerminationMessageOnAReadOnlyRoot() {
    var terminated =
        await()
            .atMost(Duration.ofMinutes(2))
            .pollInterval(Duration.ofMillis(500))
            .until(
                () ->
                    client
                        .pods()
                        .inNamespace(NS)
                        .withLabel("job-name", "retrain")
                        .list()
                        .getItems()
                        .stream()
                        .map(p -> p.getStatus().getContainerStatuses())
                        .filter(s -> s != null && !s.isEmpty())
                        .map(s -> s.getFirst().getState().getTerminated())
                        .filter(java.util.Objects::nonNull)
                        .findFirst(),
                Optional::isPresent)
            .orElseThrow();
    assertThat(terminated.getExitCode()).isEqualTo(1);
    assertThat(terminated.getMessage())
        .as("the result the runtime wrote at /dev/termination-log")
        .startsWith("{\"outcome\":\"Failed\"")
        .contains("RETRAIN_FROM_URI");
  }

  @Test
  void aContainerOverItsMemoryLimitIsOomKilledAndRestartedAsKubectlDescribeTells() {
    Pod pod =
        await()
            .atMost(Duration.ofMinutes(2))
            .pollInterval(Duration.ofMillis(500))
            .until(
                () -> pod("hog"),
                p ->
                    p.isPresent()
                        && lastTerminated(p.get()).filter("OOMKilled"::equals).isPresent())
            .orElseThrow();
    ContainerStatus status = pod.getStatus().getContainerStatuses().getFirst();
    assertThat(status.getRestartCount()).isGreaterThanOrEqualTo(1);
    assertThat(status.getLastState().getTerminated().getExitCode()).isEqualTo(137);
    Kubectl kubectl =
        new Kubectl(Kubectl.binaries().findFirst().orElseThrow(), work.resolve("kubeconfig"));
    Kubectl.Result describe = kubectl.run("describe", "pod", "-n", NS, pod.getMetadata().getName());
    assertThat(describe.out())
        .as(describe.out())
        .containsPattern("Last State:\\s+Terminated")
        .containsPattern("Reason:\\s+OOMKilled")
        .containsPattern("Exit Code:\\s+137")
        .containsPattern("Restart Count:\\s+[1-9]");
  }

  @Test
  void aMissingImageIsErrImagePullThenImagePullBackOffAndNothingIsPulled() {
    List<String> seen = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              waiting("missing")
                  .ifPresent(
                      w -> {
                        if (seen.isEmpty() || !seen.getLast().equals(w.getReason())) {
                          seen.add(w.getReason());
                        }
                      });
              return seen.contains("ImagePullBackOff");
            });
    assertThat(seen)
        .as("waiting reasons in order")
        .containsSubsequence("ErrImagePull", "ImagePullBackOff");
    assertThat(waiting("missing").orElseThrow().getMessage())
        .contains(
            "ghcr.io/modelship/serving-runtime:0.0.0-not-built",
            "not in podman's local image store");
    assertThat(PodmanContainers.hasImage("ghcr.io/modelship/serving-runtime:0.0.0-not-built"))
        .isFalse();
  }

  @Test
  void aRootImageUnderRunAsNonRootIsRefusedWithCreateContainerConfigError() {
    var waiting =
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(300))
            .until(
                () -> waiting("rooted"),
                w -> w.isPresent() && "CreateContainerConfigError".equals(w.get().getReason()))
            .orElseThrow();
    assertThat(waiting.getMessage())
        .contains("container has runAsNonRoot and image will run as root");
    assertThat(
            pod("rooted")
                .orElseThrow()
                .getStatus()
                .getContainerStatuses()
                .getFirst()
                .getRestartCount())
        .isZero();
  }

  @Test
  void aFailingLivenessProbeRestartsTheContainer() {
    Pod pod =
        await()
            .atMost(Duration.ofMinutes(2))
            .pollInterval(Duration.ofMillis(500))
            .until(
                () -> pod("unhealthy"),
                p ->
                    p.isPresent()
                        && p.get().getStatus().getContainerStatuses() != null
                        && p.get().getStatus().getContainerStatuses().getFirst().getRestartCount()
                            >= 1)
            .orElseThrow();
    assertThat(client.v1().events().inNamespace(NS).list().getItems())
        .anySatisfy(
            e -> {
              assertThat(e.getInvolvedObject().getName()).isEqualTo(pod.getMetadata().getName());
              assertThat(e.getReason()).isEqualTo("Unhealthy");
              assertThat(e.getMessage()).contains("Liveness probe failed");
            });
  }

  private Optional<Pod> pod(String deployment) {
    return client.pods().inNamespace(NS).withLabel("app", deployment).list().getItems().stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .findFirst();
  }

  private Optional<io.fabric8.kubernetes.api.model.ContainerStateWaiting> waiting(
      String deployment) {
    return pod(deployment)
        .map(Pod::getStatus)
        .map(s -> s.getContainerStatuses())
        .filter(l -> l != null && !l.isEmpty())
        .map(l -> l.getFirst().getState())
        .map(s -> s.getWaiting());
  }

  private static Optional<String> lastTerminated(Pod pod) {
    return Optional.ofNullable(pod.getStatus())
        .map(s -> s.getContainerStatuses())
        .filter(l -> !l.isEmpty())
        .map(l -> l.getFirst().getLastState())
        .map(s -> s.getTerminated())
        .map(t -> t.getReason());
  }

  private static boolean ready(Pod pod) {
    return pod.getStatus() != null
        && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
  }

  private void create(Deployment d) {
    client.apps().deployments().inNamespace(NS).resource(d).create();
  }

  private static List<String> podman(String... args) {
    List<String> command = new ArrayList<>(PodmanContainers.command());
    command.addAll(List.of(args));
    return command;
  }

  private static Probe httpProbe(String path, int period, int failures) {
    return new ProbeBuilder()
        .withNewHttpGet()
        .withPath(path)
        .withPort(new IntOrString("http"))
        .endHttpGet()
        .withPeriodSeconds(period)
        .withTimeoutSeconds(1)
        .withSuccessThreshold(1)
        .withFailureThreshold(failures)
        .build();
  }

  /**
   * A serving Deployment shaped as the operator writes one (security context, probes, limits,
   * tmpfs).
   */
  private static Deployment deployment(
      String name, String image, UnaryOperator<Container> edit, PodSecurityContext podSecurity) {
    Container serving =
        new ContainerBuilder()
            .withName("serving")
            .withImage(image)
            .addNewPort()
            .withName("http")
            .withContainerPort(8080)
            .endPort()
            .addNewEnv()
            .withName("MODEL_URI")
            .withValue("https://models.example.com/iris/1.0.0.tar.gz")
            .endEnv()
            .addNewEnv()
            .withName("MODEL_VERSION")
            .withValue("1.0.0")
            .endEnv()
            .addNewEnv()
            .withName("POD_NAME")
            .withNewValueFrom()
            .withNewFieldRef()
            .withFieldPath("metadata.name")
            .endFieldRef()
            .endValueFrom()
            .endEnv()
            .addNewEnv()
            .withName("PORT")
            .withValue("8080")
            .endEnv()
            .addNewEnv()
            .withName("SHUTDOWN_DELAY_SECONDS")
            .withValue("0")
            .endEnv()
            .withNewResources()
            .addToRequests("cpu", new Quantity("250m"))
            .addToRequests("memory", new Quantity("256Mi"))
            .addToLimits("memory", new Quantity("1Gi"))
            .addToLimits("cpu", new Quantity("1"))
            .endResources()
            .withStartupProbe(httpProbe("/health", 5, 60))
            .withLivenessProbe(httpProbe("/health", 10, 3))
            .withReadinessProbe(httpProbe("/ready", 5, 3))
            .withNewSecurityContext()
            .withAllowPrivilegeEscalation(false)
            .withReadOnlyRootFilesystem(true)
            .withRunAsNonRoot(true)
            .withNewCapabilities()
            .withDrop("ALL")
            .endCapabilities()
            .withNewSeccompProfile()
            .withType("RuntimeDefault")
            .endSeccompProfile()
            .endSecurityContext()
            .addNewVolumeMount()
            .withName("tmp")
            .withMountPath("/tmp")
            .endVolumeMount()
            .build();
    PodSecurityContext pod =
        podSecurity != null
            ? podSecurity
            : new PodSecurityContextBuilder()
                .withRunAsNonRoot(true)
                .withRunAsUser(65532L)
                .withRunAsGroup(65532L)
                .withFsGroup(65532L)
                .withNewSeccompProfile()
                .withType("RuntimeDefault")
                .endSeccompProfile()
                .build();
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(NS)
        .withUid(name + "-uid")
        .withGeneration(1L)
        .endMetadata()
        .withNewSpec()
        .withReplicas(1)
        .withNewSelector()
        .withMatchLabels(Map.of("app", name))
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(Map.of("app", name))
        .endMetadata()
        .withNewSpec()
        .withTerminationGracePeriodSeconds(10L)
        .withSecurityContext(pod)
        .withContainers(edit.apply(serving))
        .addNewVolume()
        .withName("tmp")
        .withNewEmptyDir()
        .withSizeLimit(new Quantity("64Mi"))
        .endEmptyDir()
        .endVolume()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }
}
