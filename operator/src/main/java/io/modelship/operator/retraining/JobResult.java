package io.modelship.operator.retraining;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.modelship.api.retraining.RetrainResult;
import io.modelship.api.runtime.UriRedaction;
import io.modelship.api.v1alpha1.status.RetrainingOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What a retraining Job came to, read from the Job's conditions and its pod's terminated state (the
 * termination message holds the {@link RetrainResult} JSON). Pure: the Job and pods as the caches
 * hold them, and the time.
 */
public sealed interface JobResult {

  /** How long a completed Job may wait for its pod's terminated state to reach the cache. */
  Duration POD_GRACE = Duration.ofSeconds(60);

  /** Kept short in status and Events: a log tail can be 4 KiB. */
  int REASON_MAX = 300;

  /** Still running. */
  record Running() implements JobResult {}

  /** Finished, but its pod's state has not reached the cache yet: look again at {@code until}. */
  record Awaiting(Instant until) implements JobResult {}

  /**
   * Ended: the outcome, why, and the Job's result when it left a readable one.
   *
   * @param result the parsed result of a Succeeded run
   */
  record Ended(
      RetrainingOutcome outcome, String reason, Optional<RetrainResult> result, Instant finishedAt)
      implements JobResult {}

  ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  Set<String> UNINFORMATIVE = Set.of("Error", "Completed");

  static JobResult of(Job job, Collection<Pod> pods, Instant now) {
    var status = job.getStatus();
    Optional<JobCondition> complete = condition(job, "Complete");
    Optional<JobCondition> failed = condition(job, "Failed");
    int backoffLimit =
        job.getSpec() == null || job.getSpec().getBackoffLimit() == null
            ? 0
            : job.getSpec().getBackoffLimit();
    boolean succeeded =
        complete.isPresent()
            || (status != null && status.getSucceeded() != null && status.getSucceeded() > 0);
    boolean gaveUp =
        failed.isPresent()
            || (status != null && status.getFailed() != null && status.getFailed() > backoffLimit);
    if (!succeeded && !gaveUp) {
      return new Running();
    }
    Optional<ContainerStateTerminated> terminated = terminated(pods);
    if (gaveUp && !succeeded) {
      Instant at = failed.map(c -> time(c.getLastTransitionTime(), now)).orElse(now);
      if (failed.map(JobCondition::getReason).filter("DeadlineExceeded"::equals).isPresent()) {
        long deadline =
            job.getSpec() == null || job.getSpec().getActiveDeadlineSeconds() == null
                ? EffectiveRetraining.DEFAULT_ACTIVE_DEADLINE_SECONDS
                : job.getSpec().getActiveDeadlineSeconds();
        return new Ended(
            RetrainingOutcome.TimedOut,
            "ran longer than activeDeadlineSeconds ("
                + deadline
                + " s) and was stopped; raise spec.retraining.job.activeDeadlineSeconds or"
                + " lower spec.retraining.data.maxRows",
            Optional.empty(),
            at);
      }
      if (terminated.isEmpty() && failed.isPresent() && now.isBefore(at.plus(POD_GRACE))) {
        // The pod's terminated state (an OOM kill, the log's tail) says more than the Job does.
        return new Awaiting(at.plus(POD_GRACE));
      }
      return new Ended(RetrainingOutcome.Failed, failure(terminated, failed), Optional.empty(), at);
    }
    Instant at =
        status != null && status.getCompletionTime() != null
            ? time(status.getCompletionTime(), now)
            : complete.map(c -> time(c.getLastTransitionTime(), now)).orElse(now);
    if (terminated.isEmpty()) {
      Instant until = at.plus(POD_GRACE);
      if (now.isBefore(until)) {
        return new Awaiting(until);
      }
      return new Ended(
          RetrainingOutcome.Failed,
          "the Job completed but its pod is gone: no result to read",
          Optional.empty(),
          at);
    }
    return completed(terminated.get().getMessage(), at);
  }

  /** A Job that completed: what its termination message says. */
  static Ended completed(String message, Instant at) {
    if (message == null || message.isBlank()) {
      return new Ended(
          RetrainingOutcome.Failed,
          "the Job completed but left no result in its termination message",
          Optional.empty(),
          at);
    }
    RetrainResult result;
    try {
      result = JSON.readValue(message, RetrainResult.class);
    } catch (JsonProcessingException e) {
      return new Ended(
          RetrainingOutcome.Failed,
          "the Job completed but its termination message is not a result (JSON): "
              + shorten(firstLine(message)),
          Optional.empty(),
          at);
    }
    if (result == null || result.outcome() == null) {
      return new Ended(
          RetrainingOutcome.Failed, "the Job's result names no outcome", Optional.empty(), at);
    }
    return switch (result.outcome()) {
      case RetrainResult.SUCCEEDED -> {
        List<String> missing = missing(result);
        yield missing.isEmpty()
            ? new Ended(
                RetrainingOutcome.Succeeded,
                result.reason() == null || result.reason().isBlank()
                    ? "candidate " + result.version() + " written to " + result.uri()
                    : shorten(result.reason()),
                Optional.of(result),
                at)
            : new Ended(
                RetrainingOutcome.Failed,
                "the Job's result says Succeeded but lacks " + String.join(", ", missing),
                Optional.empty(),
                at);
      }
      case RetrainResult.NO_NEW_DATA ->
          new Ended(
              RetrainingOutcome.NoNewData,
              result.reason() == null || result.reason().isBlank()
                  ? "no labelled rows newer than the last successful run"
                  : shorten(result.reason()),
              Optional.of(result),
              at);
      case RetrainResult.FAILED ->
          new Ended(
              RetrainingOutcome.Failed,
              result.reason() == null || result.reason().isBlank()
                  ? "the Job reported Failed without a reason"
                  : shorten(result.reason()),
              Optional.empty(),
              at);
      default ->
          new Ended(
              RetrainingOutcome.Failed,
              "the Job's result has an unknown outcome '" + shorten(result.outcome()) + "'",
              Optional.empty(),
              at);
    };
  }

  private static List<String> missing(RetrainResult r) {
    var missing = new ArrayList<String>();
    if (r.version() == null || r.version().isBlank()) {
      missing.add("version");
    }
    if (r.uri() == null || r.uri().isBlank()) {
      missing.add("uri");
    }
    if (r.sha256() == null || r.sha256().isBlank()) {
      missing.add("sha256");
    }
    if (r.metric() == null || r.candidate() == null || r.serving() == null) {
      missing.add("metric, candidate and serving values");
    }
    return missing;
  }

  /** Why a failed Job failed: its own result, else what killed it, else its log's last line. */
  private static String failure(
      Optional<ContainerStateTerminated> terminated, Optional<JobCondition> condition) {
    if (terminated.isPresent()) {
      var t = terminated.get();
      String message = t.getMessage();
      if (message != null && message.trim().startsWith("{")) {
        try {
          RetrainResult result = JSON.readValue(message, RetrainResult.class);
          if (result != null && result.reason() != null && !result.reason().isBlank()) {
            return shorten(result.reason());
          }
        } catch (JsonProcessingException e) {
          // not a result: a log tail (FallbackToLogsOnError) that happens to start with {
        }
      }
      String code = t.getExitCode() == null ? "" : " (exit code " + t.getExitCode() + ")";
      if (t.getReason() != null && !UNINFORMATIVE.contains(t.getReason())) {
        String hint =
            "OOMKilled".equals(t.getReason())
                ? ": out of memory; raise spec.retraining.job.resources.limits.memory or lower"
                    + " spec.retraining.data.maxRows"
                : "";
        return t.getReason() + code + hint;
      }
      if (message != null && !message.isBlank()) {
        return "exited" + code + ": " + shorten(lastLine(message));
      }
      return "exited" + code + " without a message";
    }
    return condition
        .map(
            c ->
                Objects.requireNonNullElse(c.getReason(), "Failed")
                    + (c.getMessage() == null ? "" : ": " + shorten(c.getMessage())))
        .orElse("the Job failed");
  }

  /** The retrain container's terminated state in the newest pod that has one. */
  static Optional<ContainerStateTerminated> terminated(Collection<Pod> pods) {
    return pods.stream()
        .filter(p -> p.getStatus() != null && p.getStatus().getContainerStatuses() != null)
        .sorted(
            Comparator.comparing(
                    (Pod p) ->
                        Objects.requireNonNullElse(p.getMetadata().getCreationTimestamp(), ""))
                .reversed())
        .flatMap(p -> p.getStatus().getContainerStatuses().stream())
        .filter(c -> RetrainJobs.CONTAINER.equals(c.getName()))
        .map(JobResult::terminatedState)
        .flatMap(Optional::stream)
        .findFirst();
  }

  private static Optional<ContainerStateTerminated> terminatedState(ContainerStatus c) {
    if (c.getState() != null && c.getState().getTerminated() != null) {
      return Optional.of(c.getState().getTerminated());
    }
    if (c.getLastState() != null && c.getLastState().getTerminated() != null) {
      return Optional.of(c.getLastState().getTerminated());
    }
    return Optional.empty();
  }

  private static Optional<JobCondition> condition(Job job, String type) {
    if (job.getStatus() == null || job.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return job.getStatus().getConditions().stream()
        .filter(c -> type.equals(c.getType()) && "True".equals(c.getStatus()))
        .findFirst();
  }

  private static Instant time(String text, Instant fallback) {
    try {
      return text == null ? fallback : Instant.parse(text);
    } catch (RuntimeException e) {
      return fallback;
    }
  }

  private static String firstLine(String text) {
    return text.strip().lines().findFirst().orElse("");
  }

  private static String lastLine(String text) {
    List<String> lines = text.strip().lines().filter(l -> !l.isBlank()).toList();
    return lines.isEmpty() ? "" : lines.getLast();
  }

  /** One line, bounded, with secrets in URIs removed. */
  static String shorten(String text) {
    String one = UriRedaction.redact(text.replaceAll("\\s+", " ").strip());
    return one.length() <= REASON_MAX ? one : one.substring(0, REASON_MAX - 1) + "…";
  }
}
