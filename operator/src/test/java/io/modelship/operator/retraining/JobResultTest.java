package io.modelship.operator.retraining;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.modelship.api.v1alpha1.status.RetrainingOutcome;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobResultTest {

  static final Instant FINISHED = Instant.parse("2026-12-07T09:00:00Z");
  static final Instant NOW = FINISHED.plusSeconds(5);

  static final String SUCCEEDED =
      """
      {"outcome":"Succeeded","version":"1.0.0-retrain.1","uri":"s3://ml/iris/c/1.tar.gz",
       "sha256":"%s","size":2048,"metric":"accuracy","candidate":0.96,"serving":0.91,
       "heldOutRows":400,"trainingRows":1400,"recentRows":2000,
       "newestRow":"2026-12-07T08:55:00Z","futureField":1}"""
          .formatted("b".repeat(64));

  @Test
  void aRunningJobIsRunning() {
    assertThat(JobResult.of(job(null, null), List.of(), NOW)).isInstanceOf(JobResult.Running.class);
  }

  @Test
  void aCompletedJobsResultIsReadFromItsPodsTerminationMessage() {
    var ended =
        (JobResult.Ended)
            JobResult.of(job("Complete", null), List.of(pod(0, null, SUCCEEDED)), NOW);

    assertThat(ended.outcome()).isEqualTo(RetrainingOutcome.Succeeded);
    assertThat(ended.finishedAt()).isEqualTo(FINISHED);
    var result = ended.result().orElseThrow();
    assertThat(result.version()).isEqualTo("1.0.0-retrain.1");
    assertThat(result.candidate()).isEqualTo(0.96);
    assertThat(result.newestRow()).isEqualTo("2026-12-07T08:55:00Z");
  }

  @Test
  void noNewDataSaysSo() {
    var ended =
        (JobResult.Ended)
            JobResult.of(
                job("Complete", null),
                List.of(
                    pod(
                        0,
                        null,
                        "{\"outcome\":\"NoNewData\",\"reason\":\"no labelled rows newer than"
                            + " 2026-12-06T03:00:00Z\"}")),
                NOW);

    assertThat(ended.outcome()).isEqualTo(RetrainingOutcome.NoNewData);
    assertThat(ended.reason()).isEqualTo("no labelled rows newer than 2026-12-06T03:00:00Z");
  }

  @Test
  void aGarbageMessageIsAFailureNamingIt() {
    var ended =
        (JobResult.Ended)
            JobResult.of(job("Complete", null), List.of(pod(0, null, "Training done!\nbye")), NOW);

    assertThat(ended.outcome()).isEqualTo(RetrainingOutcome.Failed);
    assertThat(ended.reason())
        .isEqualTo(
            "the Job completed but its termination message is not a result (JSON): Training"
                + " done!");
  }

  @Test
  void aSucceededResultWithoutItsPackageIsAFailure() {
    var ended =
        (JobResult.Ended)
            JobResult.of(
                job("Complete", null),
                List.of(pod(0, null, "{\"outcome\":\"Succeeded\",\"version\":\"2\"}")),
                NOW);

    assertThat(ended.outcome()).isEqualTo(RetrainingOutcome.Failed);
    assertThat(ended.reason())
        .isEqualTo(
            "the Job's result says Succeeded but lacks uri, sha256, metric, candidate and serving"
                + " values");
  }

  @Test
  void aCompletedJobWaitsBrieflyForItsPodThenSaysTheResultIsGone() {
    assertThat(JobResult.of(job("Complete", null), List.of(), NOW))
        .isEqualTo(new JobResult.Awaiting(FINISHED.plus(JobResult.POD_GRACE)));

    var ended =
        (JobResult.Ended) JobResult.of(job("Complete", null), List.of(), FINISHED.plusSeconds(61));
    assertThat(ended.outcome()).isEqualTo(RetrainingOutcome.Failed);
    assertThat(ended.reason()).contains("pod is gone");
  }

  @Test
  void aDeadlineIsTimedOut() {
    var ended = (JobResult.Ended) JobResult.of(job("Failed", "DeadlineExceeded"), List.of(), NOW);

    assertThat(ended.outcome()).isEqualTo(RetrainingOutcome.TimedOut);
    assertThat(ended.reason()).startsWith("ran longer than activeDeadlineSeconds (3600 s)");
  }

  @Test
  void anOutOfMemoryKillIsNamed() {
    var ended =
        (JobResult.Ended)
            JobResult.of(
                job("Failed", "BackoffLimitExceeded"), List.of(pod(137, "OOMKilled", null)), NOW);

    assertThat(ended.outcome()).isEqualTo(RetrainingOutcome.Failed);
    assertThat(ended.reason()).startsWith("OOMKilled (exit code 137): out of memory");
  }

  @Test
  void aFailedJobWaitsBrieflyForItsPodThenNamesTheJobsOwnReason() {
    var failed = job("Failed", "BackoffLimitExceeded");
    failed.getStatus().getConditions().getFirst().setMessage("Job has reached the backoff limit");

    assertThat(JobResult.of(failed, List.of(), NOW))
        .isEqualTo(new JobResult.Awaiting(FINISHED.plus(JobResult.POD_GRACE)));
    var ended = (JobResult.Ended) JobResult.of(failed, List.of(), FINISHED.plusSeconds(61));
    assertThat(ended.reason()).isEqualTo("BackoffLimitExceeded: Job has reached the backoff limit");
  }

  @Test
  void aFailedJobsOwnResultGivesTheReason() {
    var ended =
        (JobResult.Ended)
            JobResult.of(
                job("Failed", "BackoffLimitExceeded"),
                List.of(
                    pod(
                        1,
                        "Error",
                        "{\"outcome\":\"Failed\",\"reason\":\"candidate package failed to load:"
                            + " bad magic\"}")),
                NOW);

    assertThat(ended.reason()).isEqualTo("candidate package failed to load: bad magic");
  }

  @Test
  void aCrashGivesTheLastLineOfTheLog() {
    var ended =
        (JobResult.Ended)
            JobResult.of(
                job("Failed", "BackoffLimitExceeded"),
                List.of(
                    pod(
                        1,
                        "Error",
                        "reading s3://ml/iris/train.csv\n"
                            + "Exception in thread main: NoSuchBucket: ml\n\n")),
                NOW);

    assertThat(ended.reason())
        .isEqualTo("exited (exit code 1): Exception in thread main: NoSuchBucket: ml");
  }

  static Job job(String condition, String reason) {
    var builder =
        new JobBuilder()
            .withNewMetadata()
            .withName("iris-retrain-1")
            .endMetadata()
            .withNewSpec()
            .withBackoffLimit(0)
            .withActiveDeadlineSeconds(3600L)
            .endSpec();
    if (condition == null) {
      return builder.withNewStatus().withActive(1).endStatus().build();
    }
    return builder
        .withNewStatus()
        .withCompletionTime("Complete".equals(condition) ? FINISHED.toString() : null)
        .withConditions(
            new JobConditionBuilder()
                .withType(condition)
                .withStatus("True")
                .withReason(reason)
                .withLastTransitionTime(FINISHED.toString())
                .build())
        .endStatus()
        .build();
  }

  static Pod pod(int exitCode, String reason, String message) {
    return new PodBuilder()
        .withNewMetadata()
        .withName("iris-retrain-1-abcde")
        .withCreationTimestamp("2026-12-07T08:50:00Z")
        .endMetadata()
        .withNewStatus()
        .withContainerStatuses(
            new ContainerStatusBuilder()
                .withName(RetrainJobs.CONTAINER)
                .withNewState()
                .withNewTerminated()
                .withExitCode(exitCode)
                .withReason(reason)
                .withMessage(message)
                .endTerminated()
                .endState()
                .build())
        .endStatus()
        .build();
  }
}
