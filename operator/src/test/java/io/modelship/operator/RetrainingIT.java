package io.modelship.operator;

import static io.modelship.operator.harness.OperatorHarness.condition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.modelship.api.retraining.RetrainJob;
import io.modelship.api.v1alpha1.ModelDeployment;
import io.modelship.api.v1alpha1.spec.RetrainingDataSpec;
import io.modelship.api.v1alpha1.spec.RetrainingSpec;
import io.modelship.api.v1alpha1.status.CandidateVerdict;
import io.modelship.api.v1alpha1.status.RetrainingOutcome;
import io.modelship.operator.harness.Manifests;
import io.modelship.operator.harness.OperatorHarness;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The loop against the mock API: a manual token starts one Job (owned, its own ServiceAccount), the
 * Job's completion wakes the operator through the jobs informer, and the result in its pod's
 * termination message becomes a candidate; a garbage result fails the run and nothing loops.
 */
class RetrainingIT {

  static final String NS = "retrain";
  static OperatorHarness harness;

  @BeforeAll
  static void start() {
    harness = new OperatorHarness(true);
  }

  @AfterAll
  static void stop() {
    harness.close();
  }

  @Test
  void aTokenRunsOneJobWhoseResultBecomesACandidateAndAGarbageResultFailsTheNext() {
    var md = Manifests.iris(NS, "iris", "1.0.0");
    var data = new RetrainingDataSpec();
    data.setSink("s3://ml/iris/labelled/");
    var retraining = new RetrainingSpec();
    retraining.setData(data);
    retraining.setOutput("s3://ml/iris/candidates/");
    md.getSpec().setRetraining(retraining);
    harness.client().resource(md).create();
    harness.awaitStatus(NS, "iris", condition("Ready", "True", null));

    harness.annotate(NS, "iris", RetrainJob.RETRAIN_ANNOTATION, "t1");
    var running = harness.awaitStatus(NS, "iris", condition("Retraining", "True", "Running"));
    assertThat(running.getStatus().getRetraining().getHandledRetrainToken()).isEqualTo("t1");
    Job job = job("iris-retrain-1");
    assertThat(job.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(o -> assertThat(o.getUid()).isEqualTo(running.getMetadata().getUid()));
    var account = harness.client().serviceAccounts().inNamespace(NS).withName("iris-retrain").get();
    assertThat(account.getAutomountServiceAccountToken()).isFalse();

    finish(
        "iris-retrain-1",
        """
        {"outcome":"Succeeded","version":"1.0.0-retrain.1",
         "uri":"s3://ml/iris/candidates/1.0.0-retrain.1.tar.gz","sha256":"%s","size":4096,
         "metric":"accuracy","candidate":0.97,"serving":0.90,"heldOutRows":300,
         "newestRow":"2026-12-07T08:00:00Z"}"""
            .formatted("d".repeat(64)));
    ModelDeployment done =
        harness.awaitStatus(
            NS,
            "iris",
            m ->
                m.getStatus().getRetraining().getCandidates() != null
                    && condition("Retraining", "False", "Idle").test(m));
    var candidate = done.getStatus().getRetraining().getCandidates().getFirst();
    assertThat(candidate.getVersion()).isEqualTo("1.0.0-retrain.1");
    assertThat(candidate.getVerdict()).isEqualTo(CandidateVerdict.Better);
    assertThat(done.getStatus().getRetraining().getRuns().getFirst().getOutcome())
        .isEqualTo(RetrainingOutcome.Succeeded);
    assertThat(done.getSpec().getModel().getVersion()).as("never adopted").isEqualTo("1.0.0");
    awaitEvent("RetrainingSucceeded");

    // A second token bypasses the cooldown; its Job leaves no JSON.
    harness.annotate(NS, "iris", RetrainJob.RETRAIN_ANNOTATION, "t2");
    await().atMost(Duration.ofSeconds(20)).until(() -> job("iris-retrain-2") != null);
    finish("iris-retrain-2", "all done, bye");
    var failed =
        harness.awaitStatus(
            NS,
            "iris",
            m ->
                m.getStatus().getRetraining().getRuns().getFirst().getOutcome()
                    == RetrainingOutcome.Failed);
    assertThat(failed.getStatus().getRetraining().getRuns().getFirst().getReason())
        .contains("not a result (JSON): all done, bye");
    assertThat(failed.getStatus().getRetraining().getRuns().getFirst().getNewestRow()).isNull();
    awaitEvent("RetrainingFailed");
    await()
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(3))
        .until(() -> job("iris-retrain-3") == null);
  }

  static Job job(String name) {
    return harness.client().batch().v1().jobs().inNamespace(NS).withName(name).get();
  }

  /** What the Job controller and the kubelet would do: the pod terminates, the Job completes. */
  static void finish(String name, String message) {
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName(name + "-x1")
            .withNamespace(NS)
            .withLabels(job(name).getSpec().getTemplate().getMetadata().getLabels())
            .withCreationTimestamp(Instant.now().toString())
            .endMetadata()
            .withNewStatus()
            .withPhase("Succeeded")
            .withContainerStatuses(
                new ContainerStatusBuilder()
                    .withName("retrain")
                    .withNewState()
                    .withNewTerminated()
                    .withExitCode(0)
                    .withReason("Completed")
                    .withMessage(message)
                    .endTerminated()
                    .endState()
                    .build())
            .endStatus()
            .build();
    harness.client().pods().inNamespace(NS).resource(pod).create();
    String now = Instant.now().toString();
    harness
        .client()
        .batch()
        .v1()
        .jobs()
        .inNamespace(NS)
        .withName(name)
        .editStatus(
            j -> {
              j.setStatus(
                  new io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder()
                      .withSucceeded(1)
                      .withCompletionTime(now)
                      .withConditions(
                          new JobConditionBuilder()
                              .withType("Complete")
                              .withStatus("True")
                              .withLastTransitionTime(now)
                              .build())
                      .build());
              return j;
            });
  }

  static void awaitEvent(String reason) {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                harness.client().v1().events().inNamespace(NS).list().getItems().stream()
                    .anyMatch(e -> reason.equals(e.getReason())));
  }
}
