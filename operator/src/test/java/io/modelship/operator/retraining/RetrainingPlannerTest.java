package io.modelship.operator.retraining;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.modelship.api.retraining.RetrainJob;
import io.modelship.api.retraining.RetrainResult;
import io.modelship.api.v1alpha1.ModelDeployment;
import io.modelship.api.v1alpha1.status.AccuracySummary;
import io.modelship.api.v1alpha1.status.CandidateVerdict;
import io.modelship.api.v1alpha1.status.DriftLevel;
import io.modelship.api.v1alpha1.status.ModelDeploymentStatus;
import io.modelship.api.v1alpha1.status.Phase;
import io.modelship.api.v1alpha1.status.RetrainingOutcome;
import io.modelship.api.v1alpha1.status.RetrainingRun;
import io.modelship.api.v1alpha1.status.RetrainingStatus;
import io.modelship.api.v1alpha1.status.RetrainingTrigger;
import io.modelship.operator.problem.Problem;
import io.modelship.operator.validation.ImageRegistries;
import io.modelship.operator.validation.ModelLocation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RetrainingPlannerTest {

  static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");

  @Test
  void aDueTriggerStartsOneRun() {
    var plan = plan(resource(List.of(), null), dropped(), List.of());

    var start = plan.start().orElseThrow();
    assertThat(start.number()).isEqualTo(1);
    assertThat(start.trigger()).isEqualTo(RetrainingTrigger.AccuracyDrop);
    assertThat(start.candidateVersion()).isEqualTo("1.0.0-retrain.1");
    assertThat(start.newerThan()).isEmpty();
    RetrainingRun run = plan.status().getRuns().getFirst();
    assertThat(run.getJob()).isEqualTo("iris-retrain-1");
    assertThat(run.getOutcome()).isEqualTo(RetrainingOutcome.Running);
    assertThat(run.getTriggerMessage()).startsWith("live accuracy 0.8000 is 0.1500");
    assertThat(run.getStartedAt()).isEqualTo("2026-12-07T12:00:00Z");
    assertThat(plan.condition().orElseThrow().status()).isEqualTo("True");
    assertThat(plan.events())
        .extracting(RetrainingEvent::reason)
        .containsExactly("RetrainingStarted");
  }

  @Test
  void aRunningRunBlocksEveryTriggerEvenTheManualToken() {
    var md = resource(List.of(run(1, RetrainingOutcome.Running, NOW.minusSeconds(600))), null);
    md.getMetadata().setAnnotations(Map.of(RetrainJob.RETRAIN_ANNOTATION, "t2"));

    var plan = plan(md, dropped(), List.of(observed(1, new JobResult.Running(), Map.of())));

    assertThat(plan.start()).isEmpty();
    assertThat(plan.status().getHandledRetrainToken()).as("still to act on").isNull();
    assertThat(plan.condition().orElseThrow().reason()).isEqualTo("Running");
  }

  @Test
  void theCooldownDefersTriggersAfterAnyRunButNotTheManualToken() {
    var md = resource(List.of(run(1, RetrainingOutcome.NoNewData, NOW.minusSeconds(3600))), null);

    var deferred = plan(md, dropped(), List.of());
    assertThat(deferred.start()).isEmpty();
    assertThat(deferred.condition().orElseThrow().reason()).isEqualTo("Cooldown");
    assertThat(deferred.condition().orElseThrow().message())
        .isEqualTo(
            "AccuracyDrop trigger due; no run before 2026-12-07T17:00:00Z (cooldown 6h after run"
                + " iris-retrain-1 started)");
    assertThat(deferred.lookAgainAt()).contains(NOW.plus(Duration.ofHours(5)));

    md.getMetadata().setAnnotations(Map.of(RetrainJob.RETRAIN_ANNOTATION, "t2"));
    var manual = plan(md, dropped(), List.of());
    assertThat(manual.start().orElseThrow().trigger()).isEqualTo(RetrainingTrigger.Manual);
    assertThat(manual.start().get().number()).isEqualTo(2);
    assertThat(manual.status().getHandledRetrainToken()).isEqualTo("t2");
  }

  @Test
  void aRolloutInProgressDefersRuns() {
    var plan =
        RetrainingPlanner.plan(
            new RetrainingPlanner.Inputs(
                resource(List.of(), null),
                dropped(),
                TriggerCheckTest.MONITORING,
                Optional.of(settings(resource(List.of(), null))),
                Optional.of(new Problem("WaitingForRollout", "version 1.0.0 serves alone")),
                List.of(),
                NOW));

    assertThat(plan.start()).isEmpty();
    assertThat(plan.condition().orElseThrow().reason()).isEqualTo("WaitingForRollout");
  }

  @Test
  void aSpecTheOperatorRefusesToServeIsNotRetrainedEitherAndARolloutDefersRuns() {
    var md = RetrainJobsTest.iris();
    var location = ModelLocation.of(md.getSpec().getModel());
    var status = new ModelDeploymentStatus();
    status.setStableVersion("1.0.0");
    status.setPhase(Phase.Failed);
    status.setConditions(
        List.of(
            new ConditionBuilder()
                .withType("Ready")
                .withStatus("False")
                .withReason("ImageNotAllowed")
                .withMessage(
                    "spec.runtime.image evil.io/x:1 is not in a registry this operator allows")
                .build()));

    assertThat(Retraining.deferred(md, status, location))
        .hasValueSatisfying(
            p -> {
              assertThat(p.reason()).isEqualTo("WaitingForValidSpec");
              assertThat(p.message()).contains("evil.io/x:1 is not in a registry");
            });

    status.setPhase(Phase.Progressing);
    status.setCanaryVersion("1.0.0");
    assertThat(Retraining.deferred(md, status, location))
        .hasValueSatisfying(p -> assertThat(p.reason()).isEqualTo("WaitingForRollout"));

    status.setCanaryVersion(null);
    status.setPhase(Phase.Healthy);
    assertThat(Retraining.deferred(md, status, location)).isEmpty();
  }

  @Test
  void nothingToTrainOnIsNamedAndAnnouncedOnce() {
    var md = resource(List.of(), null);
    md.getSpec().getRetraining().setData(null);

    var plan = plan(md, dropped(), List.of());
    assertThat(plan.start()).isEmpty();
    var condition = plan.condition().orElseThrow();
    assertThat(condition.reason()).isEqualTo("NothingToTrainOn");
    assertThat(condition.message()).contains("nothing to train on");
    assertThat(plan.events()).extracting(RetrainingEvent::type).containsExactly("Warning");

    md.getStatus()
        .setConditions(
            List.of(
                new ConditionBuilder()
                    .withType(RetrainingPlanner.CONDITION)
                    .withStatus("False")
                    .withReason("NothingToTrainOn")
                    .build()));
    assertThat(plan(md, dropped(), List.of()).events()).isEmpty();
  }

  @Test
  void aSucceededRunRecordsItsCandidateBetterOnlyByTheMargin() {
    var md = resource(List.of(run(1, RetrainingOutcome.Running, NOW.minusSeconds(600))), null);

    var better = plan(md, dropped(), List.of(observed(1, succeeded(0.96, 0.91), Map.of())));
    RetrainingRun run = better.status().getRuns().getFirst();
    assertThat(run.getOutcome()).isEqualTo(RetrainingOutcome.Succeeded);
    assertThat(run.getCandidateVersion()).isEqualTo("1.0.0-retrain.1");
    assertThat(run.getNewestRow()).isEqualTo("2026-12-07T11:50:00Z");
    assertThat(run.getFinishedAt()).isEqualTo("2026-12-07T11:59:00Z");
    var candidate = better.status().getCandidates().getFirst();
    assertThat(candidate.getVerdict()).isEqualTo(CandidateVerdict.Better);
    assertThat(candidate.getSha256()).isEqualTo("c".repeat(64));
    assertThat(candidate.getServingVersion()).isEqualTo("1.0.0");
    assertThat(candidate.getMessage())
        .isEqualTo(
            "accuracy 0.9600 against 0.9100 for 1.0.0 on the same 400 held-out recent rows: better"
                + " by 0.0500; at least 0.01 needed");
    assertThat(better.events())
        .extracting(RetrainingEvent::reason)
        .containsExactly("RetrainingSucceeded");
    assertThat(better.start()).as("the cooldown counts from the run's start").isEmpty();

    var notBetter = plan(md, dropped(), List.of(observed(1, succeeded(0.915, 0.91), Map.of())));
    assertThat(notBetter.status().getCandidates().getFirst().getVerdict())
        .isEqualTo(CandidateVerdict.NotBetter);

    var rmse =
        new RetrainResult(
            "Succeeded",
            null,
            "1.0.0-retrain.1",
            "s3://ml/c.tar.gz",
            "c".repeat(64),
            10L,
            "rmse",
            0.40,
            0.45,
            100,
            500,
            300,
            null);
    var lowerIsBetter =
        plan(
            md,
            dropped(),
            List.of(
                observed(
                    1,
                    new JobResult.Ended(RetrainingOutcome.Succeeded, "ok", Optional.of(rmse), NOW),
                    Map.of())));
    assertThat(lowerIsBetter.status().getCandidates().getFirst().getVerdict())
        .isEqualTo(CandidateVerdict.Better);
  }

  @Test
  void failuresAndTimeoutsAreRecordedWithTheirReasonAndCountForTheCooldown() {
    var md = resource(List.of(run(1, RetrainingOutcome.Running, NOW.minusSeconds(600))), null);
    var timedOut =
        new JobResult.Ended(
            RetrainingOutcome.TimedOut,
            "ran longer than activeDeadlineSeconds",
            Optional.empty(),
            NOW);

    var plan = plan(md, dropped(), List.of(observed(1, timedOut, Map.of())));

    RetrainingRun run = plan.status().getRuns().getFirst();
    assertThat(run.getOutcome()).isEqualTo(RetrainingOutcome.TimedOut);
    assertThat(run.getReason()).isEqualTo("ran longer than activeDeadlineSeconds");
    assertThat(plan.status().getCandidates()).isNull();
    assertThat(plan.events())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.reason()).isEqualTo("RetrainingTimedOut");
              assertThat(e.type()).isEqualTo("Warning");
            });
    assertThat(plan.start()).as("accuracy still dropped, but the cooldown holds").isEmpty();
    assertThat(plan.condition().orElseThrow().reason()).isEqualTo("Cooldown");
  }

  @Test
  void theNextRunAsksForRowsNewerThanTheLastSuccessfulRun() {
    var succeeded = run(1, RetrainingOutcome.Succeeded, NOW.minus(Duration.ofDays(2)));
    succeeded.setNewestRow("2026-12-05T10:00:00Z");
    var empty = run(2, RetrainingOutcome.NoNewData, NOW.minus(Duration.ofDays(1)));

    var plan = plan(resource(List.of(empty, succeeded), null), dropped(), List.of());

    assertThat(plan.start().orElseThrow().number()).isEqualTo(3);
    assertThat(plan.start().get().newerThan()).contains("2026-12-05T10:00:00Z");
  }

  @Test
  void aJobTheStatusDoesNotKnowIsAdoptedWithItsTokenAndStartsNothing() {
    var md = resource(List.of(), null);
    md.getMetadata().setAnnotations(Map.of(RetrainJob.RETRAIN_ANNOTATION, "t9"));
    var annotations =
        Map.of(
            RetrainJobs.ANNOTATION_TRIGGER, "Manual",
            RetrainJobs.ANNOTATION_TRIGGER_MESSAGE, "annotation modelship.io/retrain set to 't9'",
            RetrainJobs.ANNOTATION_TOKEN, "t9",
            RetrainJobs.ANNOTATION_SERVING_VERSION, "1.0.0");

    var plan = plan(md, dropped(), List.of(observed(4, new JobResult.Running(), annotations)));

    assertThat(plan.start()).isEmpty();
    RetrainingRun run = plan.status().getRuns().getFirst();
    assertThat(run.getJob()).isEqualTo("iris-retrain-4");
    assertThat(run.getTrigger()).isEqualTo(RetrainingTrigger.Manual);
    assertThat(run.getOutcome()).isEqualTo(RetrainingOutcome.Running);
    assertThat(plan.status().getHandledRetrainToken()).isEqualTo("t9");
  }

  @Test
  void aJobDeletedWhileRunningFailsAfterAGrace() {
    var md = resource(List.of(run(1, RetrainingOutcome.Running, NOW.minusSeconds(30))), null);
    var waiting = plan(md, dropped(), List.of());
    assertThat(waiting.status().getRuns().getFirst().getOutcome())
        .isEqualTo(RetrainingOutcome.Running);
    assertThat(waiting.lookAgainAt()).contains(NOW.plusSeconds(90));

    md = resource(List.of(run(1, RetrainingOutcome.Running, NOW.minusSeconds(300))), null);
    var gone = plan(md, dropped(), List.of()).status().getRuns().getFirst();
    assertThat(gone.getOutcome()).isEqualTo(RetrainingOutcome.Failed);
    assertThat(gone.getReason()).contains("no longer exists");
  }

  @Test
  void finishedJobsBeyondTheLastThreeArePruned() {
    var runs = new ArrayList<RetrainingRun>();
    var jobs = new ArrayList<RetrainingPlanner.ObservedJob>();
    for (int n = 5; n >= 1; n--) {
      runs.add(run(n, RetrainingOutcome.Failed, NOW.minus(Duration.ofDays(n))));
      jobs.add(
          observed(
              n,
              new JobResult.Ended(RetrainingOutcome.Failed, "x", Optional.empty(), NOW),
              Map.of()));
    }

    var plan = plan(resource(runs, null), new ModelDeploymentStatus(), jobs);

    assertThat(plan.prune()).containsExactly("iris-retrain-2", "iris-retrain-1");
  }

  @Test
  void aRefusedJobIsAFailedRunSoItIsNotRetriedInALoop() {
    var plan = plan(resource(List.of(), null), dropped(), List.of()).refused("exceeded quota", NOW);

    assertThat(plan.start()).isEmpty();
    RetrainingRun run = plan.status().getRuns().getFirst();
    assertThat(run.getOutcome()).isEqualTo(RetrainingOutcome.Failed);
    assertThat(run.getReason()).isEqualTo("the API server refused the Job: exceeded quota");
    assertThat(plan.events())
        .extracting(RetrainingEvent::reason)
        .containsExactly("RetrainingFailed");
  }

  static RetrainingPlanner.Plan plan(
      ModelDeployment md, ModelDeploymentStatus current, List<RetrainingPlanner.ObservedJob> jobs) {
    return RetrainingPlanner.plan(
        new RetrainingPlanner.Inputs(
            md,
            current,
            TriggerCheckTest.MONITORING,
            Optional.of(settings(md)),
            Optional.empty(),
            jobs,
            NOW));
  }

  static EffectiveRetraining.Result settings(ModelDeployment md) {
    return EffectiveRetraining.of(md.getSpec().getRetraining(), ImageRegistries.any());
  }

  /** The status this reconcile assembled: serving 1.0.0 with accuracy 0.15 below its baseline. */
  static ModelDeploymentStatus dropped() {
    var accuracy = new AccuracySummary();
    accuracy.setBaseline(0.95);
    accuracy.setCurrent(0.80);
    accuracy.setSamples(400L);
    accuracy.setStatus(DriftLevel.Alert);
    var status = new ModelDeploymentStatus();
    status.setAccuracy(accuracy);
    status.setStableVersion("1.0.0");
    return status;
  }

  static ModelDeployment resource(List<RetrainingRun> runs, String handledToken) {
    var md = RetrainJobsTest.iris();
    var status = new ModelDeploymentStatus();
    status.setObservedGeneration(1L);
    status.setStableVersion("1.0.0");
    var retraining = new RetrainingStatus();
    retraining.setRuns(runs.isEmpty() ? null : runs);
    retraining.setHandledRetrainToken(handledToken);
    status.setRetraining(retraining);
    md.setStatus(status);
    return md;
  }

  static RetrainingRun run(int number, RetrainingOutcome outcome, Instant started) {
    var run = new RetrainingRun();
    run.setJob("iris-retrain-" + number);
    run.setTrigger(RetrainingTrigger.AccuracyDrop);
    run.setServingVersion("1.0.0");
    run.setStartedAt(started.toString());
    run.setOutcome(outcome);
    if (outcome != RetrainingOutcome.Running) {
      run.setFinishedAt(started.plusSeconds(300).toString());
    }
    return run;
  }

  static RetrainingPlanner.ObservedJob observed(
      int number, JobResult result, Map<String, String> annotations) {
    return new RetrainingPlanner.ObservedJob(
        "iris-retrain-" + number, number, annotations, NOW.minusSeconds(600), result);
  }

  static JobResult succeeded(double candidate, double serving) {
    var result =
        new RetrainResult(
            "Succeeded",
            null,
            "1.0.0-retrain.1",
            "s3://ml/iris/candidates/1.0.0-retrain.1.tar.gz",
            "c".repeat(64),
            2048L,
            "accuracy",
            candidate,
            serving,
            400,
            1400,
            2000,
            "2026-12-07T11:50:00Z");
    return new JobResult.Ended(
        RetrainingOutcome.Succeeded,
        "ok",
        Optional.of(result),
        Instant.parse("2026-12-07T11:59:00Z"));
  }
}
