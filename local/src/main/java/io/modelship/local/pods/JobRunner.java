package io.modelship.local.pods;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plays the Job controller and the kubelet for the Jobs' pods (batch/v1), as {@link PodRunner} does
 * for Deployments: for each Job it creates a Pod from the template (named {@code <job>-<5
 * characters>}, the labels {@code batch.kubernetes.io/job-name}, {@code
 * batch.kubernetes.io/controller-uid} and their short forms {@code job-name}, {@code
 * controller-uid}, a controller ownerReference to the Job), runs its container once through {@link
 * Containers} to completion (restartPolicy Never: a failed container is a failed pod, and the Job
 * makes a new pod after a back-off), and writes the pod's terminated state as a kubelet does — exit
 * code, reason ({@code Completed}, {@code Error}, {@code OOMKilled}) and the termination message
 * ({@link TerminationMessage}) — and the Job's status: {@code active}, {@code ready}, {@code
 * succeeded}, {@code failed}, {@code startTime}, {@code completionTime}, and the conditions {@code
 * SuccessCriteriaMet} and {@code Complete}, or {@code FailureTarget} and {@code Failed} with {@code
 * BackoffLimitExceeded} or {@code DeadlineExceeded} ({@link JobProgress} decides), with the
 * controller's Events. A Job that failed has its running pods stopped and deleted; finished pods
 * stay, for their logs and status, until the Job is deleted.
 */
public final class JobRunner implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(JobRunner.class);

  public static final String JOB_NAME_LABEL = "batch.kubernetes.io/job-name";
  public static final String CONTROLLER_UID_LABEL = "batch.kubernetes.io/controller-uid";

  /** The characters Kubernetes' generateName suffixes are made of. */
  private static final String NAME_CHARACTERS = "bcdfghjklmnpqrstvwxz2456789";

  private final KubernetesClient client;
  private final Containers containers;
  private final Path workDir;

  /** The pods this runner has started and not yet seen finish, by namespace/name. */
  private final Map<String, JobPod> pods = new ConcurrentHashMap<>();

  /** When a pod of each Job (by uid) last failed, for the back-off. */
  private final Map<String, Instant> lastFailure = new ConcurrentHashMap<>();

  private final ExecutorService stopping = Executors.newVirtualThreadPerTaskExecutor();
  private final ScheduledExecutorService loop =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().daemon().name("job-runner").factory());

  /** One pod of a Job, while its container runs or waits to start. */
  private static final class JobPod {
    final String namespace;
    final String name;
    final String jobUid;
    final Instant created = Instant.now();
    Containers.Running container;
    Instant startedAt;
    String imageId;
    String waitingReason;
    String waitingMessage;
    Instant retryAt;
    int startFailures;
    Duration grace = Duration.ofSeconds(30);

    JobPod(String namespace, String name, String jobUid) {
      this.namespace = namespace;
      this.name = name;
      this.jobUid = jobUid;
    }

    String key() {
      return namespace + "/" + name;
    }
  }

  public JobRunner(KubernetesClient client, Containers containers, Path workDir) {
    this.client = client;
    this.containers = containers;
    this.workDir = workDir;
  }

  public JobRunner start() {
    loop.scheduleWithFixedDelay(this::reconcileSafely, 0, 500, TimeUnit.MILLISECONDS);
    return this;
  }

  /** The local processes of the Job pods' containers running now. */
  public List<Process> processes() {
    return pods.values().stream()
        .map(p -> p.container)
        .filter(Objects::nonNull)
        .map(Containers.Running::process)
        .toList();
  }

  private void reconcileSafely() {
    try {
      reconcile();
    } catch (KubernetesClientException e) {
      log.debug("job runner: {}", e.getMessage());
    } catch (RuntimeException e) {
      log.warn("job runner loop failed", e);
    }
  }

  synchronized void reconcile() {
    List<Job> jobs = client.batch().v1().jobs().inAnyNamespace().list().getItems();
    Map<String, Pod> objects =
        client.pods().inAnyNamespace().list().getItems().stream()
            .filter(
                p ->
                    p.getMetadata().getLabels() != null
                        && p.getMetadata().getLabels().containsKey(CONTROLLER_UID_LABEL))
            .collect(
                Collectors.toMap(
                    p -> p.getMetadata().getNamespace() + "/" + p.getMetadata().getName(),
                    p -> p,
                    (a, b) -> a));
    Set<String> jobUids =
        jobs.stream().map(j -> j.getMetadata().getUid()).collect(Collectors.toSet());
    // A pod deleted through the API (kubectl delete pod, or the collector after its Job) stops.
    for (JobPod pod : List.copyOf(pods.values())) {
      Pod object = objects.get(pod.key());
      if (object == null
          || object.getMetadata().getDeletionTimestamp() != null
          || !jobUids.contains(pod.jobUid)) {
        stop(pod, object != null && object.getMetadata().getDeletionTimestamp() == null);
      }
    }
    for (Job job : jobs) {
      if (job.getMetadata().getDeletionTimestamp() == null) {
        reconcile(job, objects);
      }
    }
  }

  private void reconcile(Job job, Map<String, Pod> objects) {
    JobStatus before = job.getStatus() == null ? new JobStatus() : job.getStatus();
    if (finished(before)) {
      return;
    }
    Instant now = Instant.now();
    String uid = job.getMetadata().getUid();
    Instant startTime = before.getStartTime() == null ? now : Instant.parse(before.getStartTime());
    int succeeded = orZero(before.getSucceeded());
    int failed = orZero(before.getFailed());
    Container container = job.getSpec().getTemplate().getSpec().getContainers().getFirst();
    List<JobPod> mine = pods.values().stream().filter(p -> p.jobUid.equals(uid)).toList();
    for (JobPod pod : mine) {
      if (pod.container != null && !pod.container.alive()) {
        Containers.Exit exit = pod.container.exit();
        if (exit.code() == 0) {
          succeeded++;
        } else {
          failed++;
          lastFailure.put(uid, now);
        }
        finish(pod, container, exit, now);
      } else if (pod.container == null && !now.isBefore(pod.retryAt)) {
        Pod object = objects.get(pod.key());
        if (object != null) {
          launch(pod, object, container);
        }
      } else {
        writePodStatus(pod, container, null, now);
      }
    }
    List<JobPod> active = pods.values().stream().filter(p -> p.jobUid.equals(uid)).toList();
    JobProgress.Step step =
        JobProgress.next(
            JobProgress.Spec.of(job.getSpec()),
            new JobProgress.Pods(active.size(), succeeded, failed, lastFailure.get(uid)),
            startTime,
            now);
    List<JobCondition> conditions = new ArrayList<>();
    String completionTime = null;
    switch (step) {
      case JobProgress.StartPods(int count) -> {
        for (int i = 0; i < count; i++) {
          create(job, container);
        }
      }
      case JobProgress.Complete() -> {
        conditions.add(condition("SuccessCriteriaMet", "CompletionsReached", null, now));
        conditions.add(condition("Complete", "CompletionsReached", null, now));
        completionTime = PodRunner.ts(now);
        event(job, "Normal", "Completed", "Job completed");
        log.info("job {}/{} completed", job.getMetadata().getNamespace(), jobName(job));
      }
      case JobProgress.Fail(String reason, String message) -> {
        for (JobPod pod : active) {
          stop(pod, true);
          failed++;
          event(job, "Normal", "SuccessfulDelete", "Deleted pod: " + pod.name);
        }
        conditions.add(condition("FailureTarget", reason, message, now));
        conditions.add(condition("Failed", reason, message, now));
        event(job, "Warning", reason, message);
        log.info(
            "job {}/{} failed: {}: {}",
            job.getMetadata().getNamespace(),
            jobName(job),
            reason,
            message);
      }
      case JobProgress.Wait() -> {}
    }
    List<JobPod> running = pods.values().stream().filter(p -> p.jobUid.equals(uid)).toList();
    JobStatus status =
        new JobStatusBuilder()
            .withStartTime(PodRunner.ts(startTime))
            .withCompletionTime(completionTime)
            .withActive(running.isEmpty() ? null : running.size())
            .withReady((int) running.stream().filter(p -> p.container != null).count())
            .withSucceeded(succeeded == 0 ? null : succeeded)
            .withFailed(failed == 0 ? null : failed)
            .withTerminating(0)
            .withConditions(conditions.isEmpty() ? null : conditions)
            .build();
    if (!sameStatus(before, status)) {
      client
          .batch()
          .v1()
          .jobs()
          .inNamespace(job.getMetadata().getNamespace())
          .withName(jobName(job))
          .editStatus(
              j -> {
                j.setStatus(status);
                return j;
              });
    }
  }

  private void create(Job job, Container container) {
    String namespace = job.getMetadata().getNamespace();
    String name = jobName(job) + "-" + suffix();
    var template = job.getSpec().getTemplate();
    Map<String, String> labels = new LinkedHashMap<>();
    if (template.getMetadata() != null && template.getMetadata().getLabels() != null) {
      labels.putAll(template.getMetadata().getLabels());
    }
    labels.put(CONTROLLER_UID_LABEL, job.getMetadata().getUid());
    labels.put(JOB_NAME_LABEL, jobName(job));
    labels.put("controller-uid", job.getMetadata().getUid());
    labels.put("job-name", jobName(job));
    Pod object =
        new PodBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(namespace)
            .withUid(java.util.UUID.randomUUID().toString())
            .withLabels(labels)
            .withAnnotations(
                template.getMetadata() == null ? null : template.getMetadata().getAnnotations())
            .withFinalizers(PodRunner.FINALIZER)
            .withOwnerReferences(
                new OwnerReferenceBuilder()
                    .withApiVersion("batch/v1")
                    .withKind("Job")
                    .withName(jobName(job))
                    .withUid(job.getMetadata().getUid())
                    .withController(true)
                    .withBlockOwnerDeletion(true)
                    .build())
            .endMetadata()
            .withSpec(template.getSpec())
            .editSpec()
            .withNodeName(PodRunner.NODE)
            .endSpec()
            .withNewStatus()
            .withPhase("Pending")
            .endStatus()
            .build();
    object = client.pods().inNamespace(namespace).resource(object).create();
    JobPod pod = new JobPod(namespace, name, job.getMetadata().getUid());
    Long grace = template.getSpec().getTerminationGracePeriodSeconds();
    pod.grace = Duration.ofSeconds(grace == null ? 30 : Math.max(1, grace));
    pods.put(pod.key(), pod);
    event(job, "Normal", "SuccessfulCreate", "Created pod: " + name);
    launch(pod, object, container);
  }

  private void launch(JobPod pod, Pod object, Container container) {
    Instant now = Instant.now();
    try {
      Map<String, String> env =
          PodRunner.environment(
              client, object, container, PodRunner.freePort(), PodRunner.freePort());
      Path logs = Files.createDirectories(workDir.resolve("logs"));
      pod.container = containers.start(object, container, env, logs.resolve(pod.name + ".log"));
      pod.imageId = containers.imageId(container);
      pod.startedAt = now;
      pod.waitingReason = null;
      pod.waitingMessage = null;
      log.info(
          "job pod {} started as {}: {}",
          pod.key(),
          containers.mode().replaceAll("e?s$", ""),
          container.getArgs() == null ? "" : String.join(" ", container.getArgs()));
    } catch (Containers.StartFailure e) {
      failedStart(pod, e.reason(), e.getMessage(), now);
    } catch (IOException e) {
      failedStart(pod, "RunContainerError", e.getMessage(), now);
    }
    writePodStatus(pod, container, null, now);
  }

  /** A container that could not start waits with the kubelet's reason and is tried again. */
  private void failedStart(JobPod pod, String reason, String message, Instant now) {
    pod.container = null;
    pod.waitingReason = reason;
    pod.waitingMessage = message;
    pod.retryAt = now.plus(PodRunner.backoff(pod.startFailures++));
    log.warn("job pod {} could not start: {}: {}", pod.key(), reason, message);
  }

  /** The container has exited: the pod is Succeeded or Failed for good, its object kept. */
  private void finish(JobPod pod, Container container, Containers.Exit exit, Instant now) {
    pods.remove(pod.key());
    log.info(
        "job pod {} exited with {} ({}){}",
        pod.key(),
        exit.code(),
        exit.reason(),
        exit.message() == null ? "" : ": " + exit.message().strip());
    writePodStatus(pod, container, exit, now);
    removeFinalizer(pod);
  }

  private void writePodStatus(JobPod pod, Container container, Containers.Exit exit, Instant now) {
    ContainerStatusBuilder cs =
        new ContainerStatusBuilder()
            .withName(container.getName())
            .withImage(container.getImage())
            .withImageID(pod.imageId)
            .withContainerID(pod.container == null ? null : pod.container.id())
            .withRestartCount(0);
    String phase;
    boolean ready = false;
    if (exit != null) {
      phase = exit.code() == 0 ? "Succeeded" : "Failed";
      cs.withReady(false)
          .withStarted(false)
          .withState(
              new ContainerStateBuilder()
                  .withNewTerminated()
                  .withExitCode(exit.code())
                  .withReason(exit.reason())
                  .withMessage(exit.message())
                  .withStartedAt(PodRunner.ts(pod.startedAt))
                  .withFinishedAt(PodRunner.ts(now))
                  .withContainerID(pod.container == null ? null : pod.container.id())
                  .endTerminated()
                  .build());
    } else if (pod.container != null) {
      phase = "Running";
      ready = true;
      cs.withReady(true)
          .withStarted(true)
          .withState(
              new ContainerStateBuilder()
                  .withNewRunning()
                  .withStartedAt(PodRunner.ts(pod.startedAt))
                  .endRunning()
                  .build());
    } else {
      phase = "Pending";
      cs.withReady(false)
          .withStarted(false)
          .withState(
              new ContainerStateBuilder()
                  .withNewWaiting()
                  .withReason(pod.waitingReason == null ? "ContainerCreating" : pod.waitingReason)
                  .withMessage(pod.waitingMessage)
                  .endWaiting()
                  .build());
    }
    String readyReason = exit == null ? null : "PodCompleted";
    List<PodCondition> conditions =
        List.of(
            podCondition("PodScheduled", "True", null),
            podCondition("Initialized", "True", null),
            podCondition("ContainersReady", ready ? "True" : "False", readyReason),
            podCondition("Ready", ready ? "True" : "False", readyReason));
    PodStatus status =
        new PodStatusBuilder()
            .withPhase(phase)
            .withPodIP("127.0.0.1")
            .withHostIP("127.0.0.1")
            .withStartTime(PodRunner.ts(pod.created))
            .withConditions(conditions)
            .withContainerStatuses(cs.build())
            .build();
    try {
      Pod existing = client.pods().inNamespace(pod.namespace).withName(pod.name).get();
      if (existing == null
          || (existing.getStatus() != null
              && Objects.equals(existing.getStatus().getPhase(), status.getPhase())
              && Objects.equals(
                  existing.getStatus().getContainerStatuses(), status.getContainerStatuses()))) {
        return;
      }
      client
          .pods()
          .inNamespace(pod.namespace)
          .withName(pod.name)
          .editStatus(
              p -> {
                p.setStatus(status);
                return p;
              });
    } catch (KubernetesClientException e) {
      log.debug("status of job pod {} not written: {}", pod.key(), e.getMessage());
    }
  }

  /**
   * Stops a running pod (a failed Job's, or one deleted through the API): its object deleted,
   * Terminating until the container has stopped within its grace period.
   */
  private void stop(JobPod pod, boolean deleteObject) {
    pods.remove(pod.key());
    if (deleteObject) {
      try {
        client.pods().inNamespace(pod.namespace).withName(pod.name).delete();
      } catch (KubernetesClientException e) {
        log.debug("job pod {} already gone: {}", pod.key(), e.getMessage());
      }
    }
    stopping.submit(
        () -> {
          Containers.Running running = pod.container;
          if (running != null) {
            log.info("job pod {} stopping ({})", pod.key(), running.id());
            running.stop(pod.grace);
          }
          removeFinalizer(pod);
        });
  }

  private void removeFinalizer(JobPod pod) {
    try {
      client
          .pods()
          .inNamespace(pod.namespace)
          .withName(pod.name)
          .edit(
              p -> {
                List<String> finalizers =
                    p.getMetadata().getFinalizers() == null
                        ? List.of()
                        : p.getMetadata().getFinalizers();
                p.getMetadata()
                    .setFinalizers(
                        finalizers.stream().filter(f -> !f.equals(PodRunner.FINALIZER)).toList());
                return p;
              });
    } catch (KubernetesClientException e) {
      log.debug("job pod {} already gone: {}", pod.key(), e.getMessage());
    }
  }

  /** An Event about the Job, as the job-controller writes them. */
  private void event(Job job, String type, String reason, String message) {
    try {
      String now = PodRunner.ts(Instant.now());
      String namespace = job.getMetadata().getNamespace();
      client
          .v1()
          .events()
          .inNamespace(namespace)
          .resource(
              new EventBuilder()
                  .withNewMetadata()
                  .withNamespace(namespace)
                  .withName(jobName(job) + "." + Long.toHexString(System.nanoTime()))
                  .endMetadata()
                  .withNewInvolvedObject()
                  .withApiVersion("batch/v1")
                  .withKind("Job")
                  .withNamespace(namespace)
                  .withName(jobName(job))
                  .withUid(job.getMetadata().getUid())
                  .endInvolvedObject()
                  .withType(type)
                  .withReason(reason)
                  .withMessage(message)
                  .withCount(1)
                  .withFirstTimestamp(now)
                  .withLastTimestamp(now)
                  .withNewSource()
                  .withComponent("job-controller")
                  .endSource()
                  .build())
          .create();
    } catch (KubernetesClientException e) {
      log.debug("event for job {} not written: {}", jobName(job), e.getMessage());
    }
  }

  static boolean finished(JobStatus status) {
    return status.getConditions() != null
        && status.getConditions().stream()
            .anyMatch(
                c ->
                    ("Complete".equals(c.getType()) || "Failed".equals(c.getType()))
                        && "True".equals(c.getStatus()));
  }

  /** Equal apart from the conditions' times, so an unchanged Job costs no write. */
  private static boolean sameStatus(JobStatus a, JobStatus b) {
    Map<String, Object> left = new HashMap<>();
    Map<String, Object> right = new HashMap<>();
    for (var pair : List.of(Map.entry(a, left), Map.entry(b, right))) {
      JobStatus s = pair.getKey();
      pair.getValue().put("start", s.getStartTime());
      pair.getValue().put("active", orZero(s.getActive()));
      pair.getValue().put("ready", orZero(s.getReady()));
      pair.getValue().put("succeeded", orZero(s.getSucceeded()));
      pair.getValue().put("failed", orZero(s.getFailed()));
      pair.getValue().put("conditions", s.getConditions() == null ? 0 : s.getConditions().size());
    }
    return left.equals(right);
  }

  private static JobCondition condition(String type, String reason, String message, Instant now) {
    return new JobConditionBuilder()
        .withType(type)
        .withStatus("True")
        .withReason(reason)
        .withMessage(message)
        .withLastProbeTime(PodRunner.ts(now))
        .withLastTransitionTime(PodRunner.ts(now))
        .build();
  }

  private static PodCondition podCondition(String type, String status, String reason) {
    return new PodConditionBuilder().withType(type).withStatus(status).withReason(reason).build();
  }

  private static String jobName(Job job) {
    return job.getMetadata().getName();
  }

  private static int orZero(Integer value) {
    return value == null ? 0 : value;
  }

  private static String suffix() {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < 5; i++) {
      s.append(
          NAME_CHARACTERS.charAt(ThreadLocalRandom.current().nextInt(NAME_CHARACTERS.length())));
    }
    return s.toString();
  }

  @Override
  public void close() {
    loop.shutdownNow();
    try {
      loop.awaitTermination(5, TimeUnit.SECONDS);
      for (JobPod pod : List.copyOf(pods.values())) {
        pods.remove(pod.key());
        Containers.Running running = pod.container;
        if (running != null) {
          stopping.submit(() -> running.stop(pod.grace));
        }
      }
      stopping.shutdown();
      stopping.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
