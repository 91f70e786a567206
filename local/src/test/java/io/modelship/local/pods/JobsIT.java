package io.modelship.local.pods;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.modelship.api.retraining.RetrainJob;
import io.modelship.local.kube.EmbeddedApiServer;
import io.modelship.local.kube.Kubectl;
import io.modelship.local.process.ChildProcesses;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Jobs run to completion in local mode (pods as serving-runtime processes, no operator): one that
 * succeeds, one that fails past its backoffLimit with its log tail as the termination message
 * (FallbackToLogsOnError), one stopped at its activeDeadlineSeconds, and one whose container names
 * a command of its own, which process mode refuses — each as {@code kubectl} shows it. The Jobs run
 * side by side on one embedded API.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobsIT {

  static final Path HOME =
      Path.of(System.getProperty("modelship.home", "..")).toAbsolutePath().normalize();
  static final String NS = "ml";
  static final String IMAGE = "ghcr.io/modelship/serving-runtime:0.1.0";

  Path work;
  ChildProcesses processes;
  EmbeddedApiServer api;
  KubernetesClient client;
  JobRunner runner;
  Kubectl kubectl;

  @BeforeAll
  void start() throws Exception {
    work = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "jobs");
    api = EmbeddedApiServer.start(0, work.resolve("kubeconfig"), HOME.resolve("crds"));
    client = api.client();
    processes = new ChildProcesses();
    ProcessContainers containers =
        new ProcessContainers(
            processes,
            HOME.resolve("serving-runtime/target/serving-runtime.jar"),
            work.resolve("kubeconfig"),
            new ModelStore(List.of(HOME.resolve("examples/models"))),
            work,
            List.of("-Xmx128m", "-XX:TieredStopAtLevel=1"));
    runner = new JobRunner(client, containers, work).start();
    kubectl = new Kubectl(Kubectl.binaries().findFirst().orElseThrow(), work.resolve("kubeconfig"));
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .create();
    String iris = HOME.resolve("examples/models/iris-1.0.0.tar.gz").toString();
    create(job("inspects", 0, null, c -> c.withArgs("inspect", iris)));
    create(
        job(
            "broken",
            1,
            null,
            c ->
                c.withArgs("inspect", "/no/such/package.tar.gz")
                    .withTerminationMessagePolicy("FallbackToLogsOnError")));
    create(
        job(
            "endless",
            0,
            4L,
            c ->
                c.withArgs("serve")
                    .addNewEnv()
                    .withName("MODEL_URI")
                    .withValue("file://" + iris)
                    .endEnv()));
    create(job("own-command", 0, 60L, c -> c.withCommand("/bin/sh", "-c", "echo hello")));
    // The runtime's retrain with nothing to retrain: it writes a Failed result where the
    // termination message goes (RETRAIN_RESULT_FILE, as local mode maps /dev/termination-log).
    create(job("retrain", 0, null, c -> c.withArgs("retrain")));
  }

  @AfterAll
  void stop() {
    if (runner != null) {
      runner.close();
    }
    if (processes != null) {
      processes.close();
    }
    if (client != null) {
      client.close();
    }
    if (api != null) {
      api.close();
    }
  }

  @Test
  void aJobThatSucceedsIsCompleteWithItsPodCompleted() {
    Job job = awaitCondition("inspects", "Complete");
    assertThat(job.getStatus().getSucceeded()).isEqualTo(1);
    assertThat(job.getStatus().getFailed()).isNull();
    assertThat(job.getStatus().getCompletionTime()).isNotNull();
    assertThat(job.getStatus().getStartTime()).isNotNull();
    assertThat(kubectl.run("wait", "-n", NS, "--for=condition=complete", "job/inspects").exitCode())
        .isZero();
    assertThat(kubectl.run("get", "jobs", "-n", NS, "inspects").out())
        .containsPattern("inspects\\s+Complete\\s+1/1");
    Kubectl.Result pods = kubectl.run("get", "pods", "-n", NS, "-l", "job-name=inspects");
    assertThat(pods.out())
        .as(pods.out())
        .containsPattern("inspects-[a-z0-9]{5}\\s+0/1\\s+Completed");
    Pod pod = podsOf("inspects").getFirst();
    assertThat(pod.getStatus().getPhase()).isEqualTo("Succeeded");
    assertThat(pod.getMetadata().getLabels())
        .containsEntry("batch.kubernetes.io/job-name", "inspects")
        .containsEntry("controller-uid", job.getMetadata().getUid());
    assertThat(pod.getMetadata().getOwnerReferences().getFirst().getKind()).isEqualTo("Job");
    var terminated = pod.getStatus().getContainerStatuses().getFirst().getState().getTerminated();
    assertThat(terminated.getExitCode()).isZero();
    assertThat(terminated.getReason()).isEqualTo("Completed");
  }

  @Test
  void aJobThatKeepsFailingIsRetriedUpToItsBackoffLimitWithItsLogTailAsTheMessage() {
    Job job = awaitCondition("broken", "Failed");
    assertThat(condition(job, "Failed").getReason()).isEqualTo("BackoffLimitExceeded");
    assertThat(job.getStatus().getFailed()).as("one try and one retry").isEqualTo(2);
    assertThat(podsOf("broken"))
        .hasSize(2)
        .allSatisfy(p -> assertThat(p.getStatus().getPhase()).isEqualTo("Failed"));
    assertThat(kubectl.run("get", "jobs", "-n", NS, "broken").out())
        .containsPattern("broken\\s+Failed\\s+0/1");
    Kubectl.Result message =
        kubectl.run(
            "get",
            "pods",
            "-n",
            NS,
            "-l",
            "job-name=broken",
            "-o",
            "jsonpath={.items[0].status.containerStatuses[0].state.terminated.message}");
    assertThat(message.out()).as("the log's tail").contains("/no/such/package.tar.gz");
    Kubectl.Result describe = kubectl.run("describe", "job", "-n", NS, "broken");
    assertThat(describe.out())
        .as(describe.out())
        .contains("BackoffLimitExceeded")
        .contains("Job has reached the specified backoff limit");
  }

  @Test
  void whatTheContainerWroteAtItsTerminationMessagePathIsInThePodsTerminatedState() {
    Job job = awaitCondition("retrain", "Failed");
    assertThat(condition(job, "Failed").getReason()).isEqualTo("BackoffLimitExceeded");
    Kubectl.Result message =
        kubectl.run(
            "get",
            "pods",
            "-n",
            NS,
            "-l",
            "job-name=retrain",
            "-o",
            "jsonpath={.items[0].status.containerStatuses[0].state.terminated.message}");
    assertThat(message.out())
        .as("the result the runtime wrote, not its log (terminationMessagePolicy File)")
        .startsWith("{\"outcome\":\"Failed\"")
        .contains(RetrainJob.FROM_URI);
    var terminated =
        podsOf("retrain").getFirst().getStatus().getContainerStatuses().getFirst().getState();
    assertThat(terminated.getTerminated().getExitCode()).isEqualTo(1);
    assertThat(terminated.getTerminated().getReason()).isEqualTo("Error");
  }

  @Test
  void aJobPastItsActiveDeadlineIsFailedAndItsPodStopped() {
    Job job = awaitCondition("endless", "Failed");
    assertThat(condition(job, "Failed").getReason()).isEqualTo("DeadlineExceeded");
    assertThat(condition(job, "Failed").getMessage())
        .isEqualTo("Job was active longer than specified deadline");
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> podsOf("endless").isEmpty());
    assertThat(runner.processes()).isEmpty();
  }

  @Test
  void aContainerWithACommandOfItsOwnIsRefusedAsProcesses() {
    var waiting =
        await()
            .atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(200))
            .until(
                () ->
                    podsOf("own-command").stream()
                        .map(p -> p.getStatus().getContainerStatuses())
                        .filter(s -> s != null && !s.isEmpty())
                        .map(s -> s.getFirst().getState().getWaiting())
                        .filter(
                            w -> w != null && "CreateContainerConfigError".equals(w.getReason()))
                        .findFirst(),
                java.util.Optional::isPresent)
            .orElseThrow();
    assertThat(waiting.getMessage()).contains("/bin/sh -c echo hello", "--pods containers");
  }

  private Job awaitCondition(String name, String type) {
    return await()
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofMillis(300))
        .until(
            () -> client.batch().v1().jobs().inNamespace(NS).withName(name).get(),
            j -> j != null && j.getStatus() != null && condition(j, type) != null);
  }

  private static JobCondition condition(Job job, String type) {
    return job.getStatus().getConditions() == null
        ? null
        : job.getStatus().getConditions().stream()
            .filter(c -> type.equals(c.getType()) && "True".equals(c.getStatus()))
            .findFirst()
            .orElse(null);
  }

  private List<Pod> podsOf(String job) {
    return client.pods().inNamespace(NS).withLabel("job-name", job).list().getItems();
  }

  private void create(Job job) {
    client.batch().v1().jobs().inNamespace(NS).resource(job).create();
  }

  private static Job job(
      String name, int backoffLimit, Long deadline, UnaryOperator<ContainerBuilder> container) {
    return new JobBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(NS)
        .endMetadata()
        .withNewSpec()
        .withBackoffLimit(backoffLimit)
        .withActiveDeadlineSeconds(deadline)
        .withNewTemplate()
        .withNewSpec()
        .withRestartPolicy("Never")
        .withContainers(
            container.apply(new ContainerBuilder().withName("job").withImage(IMAGE)).build())
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }
}
