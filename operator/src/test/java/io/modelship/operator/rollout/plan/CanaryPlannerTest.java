package io.modelship.operator.rollout.plan;

import static io.modelship.operator.rollout.plan.RolloutSim.pause;
import static io.modelship.operator.rollout.plan.RolloutSim.weight;
import static org.assertj.core.api.Assertions.assertThat;

import io.modelship.api.v1alpha1.status.Phase;
import io.modelship.api.v1alpha1.status.RolloutOutcome;
import io.modelship.api.v1alpha1.status.Verdict;
import io.modelship.operator.rollout.analysis.AnalysisJudge;
import io.modelship.operator.rollout.plan.RolloutTransition.Kind;
import io.modelship.operator.rollout.plan.RolloutTransition.Reason;
import io.modelship.operator.rollout.traffic.VersionObservation;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CanaryPlannerTest {

  @Test
  void walksTheStepsAndPromotesWhenAllAreDone() {
    var sim = RolloutSim.canary(weight(25), pause("1m"), weight(50));

    var plan = sim.reconcile();
    assertThat(plan.phase()).isEqualTo(Phase.Progressing);
    assertThat(plan.reason()).isEqualTo("WaitingForWeight");
    assertThat(sim.replicasOf("2.0.0")).as("ceil(25%% of 4)").isEqualTo(1);
    assertThat(sim.replicasOf("1.0.0")).isEqualTo(3);
    assertThat(sim.status.getDesiredWeight()).isEqualTo(25);
    assertThat(plan.stableVersion()).isEqualTo("1.0.0");

    plan = sim.reconcile();
    assertThat(sim.status.getStepIndex()).as("weight in force: on to the pause").isEqualTo(1);
    assertThat(sim.status.getActualWeight()).isEqualTo(25);
    assertThat(plan.phase()).isEqualTo(Phase.Paused);
    assertThat(plan.message()).contains("Step 2/3 (pause 1m)").contains("1m left");
    assertThat(plan.lookAgain()).contains(Duration.ofMinutes(1));

    sim.advance(Duration.ofSeconds(59));
    assertThat(sim.reconcile().phase()).isEqualTo(Phase.Paused);
    sim.advance(Duration.ofSeconds(1));
    sim.reconcile();
    assertThat(sim.status.getStepIndex()).isEqualTo(2);
    assertThat(sim.replicasOf("2.0.0")).isEqualTo(2);
    assertThat(sim.replicasOf("1.0.0")).isEqualTo(2);

    plan = sim.settle();
    assertThat(plan.phase()).isEqualTo(Phase.Healthy);
    assertThat(plan.stableVersion()).isEqualTo("2.0.0");
    assertThat(plan.targets()).extracting(VersionTarget::version).containsExactly("2.0.0");
    assertThat(sim.status.getOutcome()).isEqualTo(RolloutOutcome.Promoted);
    assertThat(sim.history)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getOutcome()).isEqualTo(RolloutOutcome.Promoted);
              assertThat(r.getVersion()).isEqualTo("2.0.0");
              assertThat(r.getUri()).isEqualTo(RolloutSim.URI);
              assertThat(r.getSha256()).isEqualTo(RolloutSim.SHA);
            });
    assertThat(sim.kinds())
        .containsSubsequence(
            Kind.STEP_ADVANCED, Kind.PAUSED, Kind.STEP_ADVANCED, Kind.STEP_ADVANCED, Kind.PROMOTED);
  }

  @Test
  void aStepWaitsUntilItsPodsAreReady() {
    var sim = RolloutSim.canary(weight(50), weight(100));
    sim.held.add("2.0.0");
    sim.reconcile();
    var plan = sim.reconcile();
    assertThat(sim.status.getStepIndex()).isZero();
    assertThat(plan.message()).contains("0/2 pods of 2.0.0 ready");
    assertThat(sim.status.getActualWeight()).isZero();
    sim.held.clear();
    sim.reconcile();
    sim.reconcile();
    assertThat(sim.status.getStepIndex()).isEqualTo(1);
  }

  @Test
  void anIndefinitePauseWaitsForOnePromotePerToken() {
    var sim = RolloutSim.canary(weight(25), pause(null), weight(50));
    sim.settle();
    assertThat(sim.last.phase()).isEqualTo(Phase.Paused);
    assertThat(sim.last.reason()).isEqualTo("PausedUntilPromoted");
    sim.advance(Duration.ofHours(5));
    assertThat(sim.reconcile().phase())
        .as("no deadline while paused by intent")
        .isEqualTo(Phase.Paused);

    sim.annotations.put(ManualControl.PROMOTE, "t1");
    sim.reconcile();
    assertThat(sim.status.getStepIndex()).isEqualTo(2);
    assertThat(sim.status.getHandledTokens().getPromote()).isEqualTo("t1");
    assertThat(sim.transitions)
        .anySatisfy(
            t -> {
              assertThat(t.kind()).isEqualTo(Kind.STEP_ADVANCED);
              assertThat(t.reason()).isEqualTo(Reason.MANUAL);
            });
    int step = sim.status.getStepIndex();
    sim.reconcile();
    assertThat(sim.status.getStepIndex())
        .as("the same token acts once")
        .isLessThanOrEqualTo(step + 1);
    assertThat(sim.transitions.stream().filter(t -> t.reason() == Reason.MANUAL)).hasSize(1);
  }

  @Test
  void promoteFullSkipsTheRemainingSteps() {
    var sim = RolloutSim.canary(weight(25), pause(null), weight(50), pause(null));
    sim.settle();
    sim.annotations.put(ManualControl.PROMOTE_FULL, "go");
    var plan = sim.settle();
    assertThat(plan.stableVersion()).isEqualTo("2.0.0");
    assertThat(plan.phase()).isEqualTo(Phase.Healthy);
  }

  @Test
  void abortSendsTrafficBackAndStaysDegradedUntilRetry() {
    var sim = RolloutSim.canary(weight(50), pause(null));
    sim.settle();
    sim.annotations.put(ManualControl.ABORT, "a1");
    var plan = sim.reconcile();
    assertThat(plan.phase()).isEqualTo(Phase.Degraded);
    assertThat(plan.targets())
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t.version()).isEqualTo("1.0.0");
              assertThat(t.replicas()).isEqualTo(4);
            });
    assertThat(sim.status.getAbortReason())
        .isEqualTo("aborted 2.0.0 → 1.0.0 at step 2 by modelship.io/abort");
    assertThat(plan.message()).contains("Set spec.model.version back to 1.0.0").contains("retry");
    assertThat(sim.history)
        .singleElement()
        .extracting(r -> r.getOutcome())
        .isEqualTo(RolloutOutcome.Aborted);

    sim.advance(Duration.ofHours(1));
    assertThat(sim.settle().phase()).as("stays degraded").isEqualTo(Phase.Degraded);
    assertThat(sim.history).hasSize(1);

    sim.annotations.put(ManualControl.RETRY, "r1");
    plan = sim.reconcile();
    assertThat(plan.phase()).isEqualTo(Phase.Progressing);
    assertThat(sim.status.getStepIndex()).isZero();
    assertThat(sim.status.getOutcome()).isNull();
    assertThat(sim.kinds()).contains(Kind.RETRIED);
    sim.settle();
    assertThat(sim.last.phase())
        .as("the old abort token does not abort again")
        .isEqualTo(Phase.Paused);
  }

  @Test
  void failuresUpToTheLimitRollBackWithTheValues() {
    var sim = RolloutSim.canary(weight(50), pause(null)).analysis(10, 2, 0.05, 50.0);
    sim.settle();
    sim.advance(Duration.ofSeconds(30)).traffic("2.0.0", 100, 0, 82).traffic("1.0.0", 100, 0, 10);
    var plan = sim.reconcile();
    assertThat(sim.status.getAnalysis().getFailed()).isEqualTo(1);
    assertThat(plan.phase()).as("one failure of two tolerated").isEqualTo(Phase.Progressing);

    sim.advance(Duration.ofSeconds(30)).traffic("2.0.0", 100, 0, 82);
    plan = sim.reconcile();
    assertThat(plan.phase()).isEqualTo(Phase.Degraded);
    assertThat(sim.status.getOutcome()).isEqualTo(RolloutOutcome.RolledBack);
    assertThat(sim.status.getAbortReason())
        .isEqualTo(
            "rolled back 2.0.0 → 1.0.0 at step 1: p99 "
                + RolloutSim.measuredP99(82)
                + " ms > 50 ms (2 of 2 failed)");
    assertThat(plan.targets()).extracting(VersionTarget::version).containsExactly("1.0.0");
    assertThat(sim.status.getAnalysis().getMeasurements())
        .anySatisfy(
            m -> {
              assertThat(m.getVerdict()).isEqualTo(Verdict.Fail);
              assertThat(AnalysisJudge.ms(m.getValue())).isEqualTo(RolloutSim.measuredP99(82));
              assertThat(m.getThreshold()).isEqualTo(50.0);
              assertThat(m.getSamples()).isEqualTo(100);
              assertThat(m.getWindow()).isEqualTo("30s");
            });
    assertThat(sim.transitions)
        .anySatisfy(
            t -> {
              assertThat(t.kind()).isEqualTo(Kind.ROLLED_BACK);
              assertThat(t.reason()).isEqualTo(Reason.ANALYSIS_FAILED);
            });
    assertThat(sim.history)
        .last()
        .satisfies(
            r -> {
              assertThat(r.getOutcome()).isEqualTo(RolloutOutcome.RolledBack);
              assertThat(r.getUri()).isEqualTo(RolloutSim.URI);
            });
  }

  @Test
  void tooLittleTrafficIsInconclusiveAndTheRolloutWaitsSayingSo() {
    var sim = RolloutSim.canary(weight(50), weight(100)).analysis(100, 1, 0.05, null);
    sim.settle();
    sim.advance(Duration.ofSeconds(30)).traffic("2.0.0", 12, 0, 5);
    var plan = sim.reconcile();
    assertThat(sim.status.getStepIndex()).isZero();
    assertThat(sim.status.getAnalysis().getInconclusive()).isEqualTo(1);
    assertThat(plan.reason()).isEqualTo("WaitingForTraffic");
    assertThat(plan.message()).contains("waiting for traffic: 12 of 100 requests in 30s");
    assertThat(plan.phase()).isEqualTo(Phase.Progressing);

    sim.advance(Duration.ofSeconds(30)).traffic("2.0.0", 150, 1, 5);
    sim.reconcile();
    assertThat(sim.status.getAnalysis().getLastVerdict())
        .as("judged on the 150 of this interval")
        .isEqualTo(Verdict.Pass);
    assertThat(sim.status.getStepIndex()).isEqualTo(1);
  }

  @Test
  void noProgressWithinTheDeadlineRollsBack() {
    var sim = RolloutSim.canary(weight(50));
    sim.spec.setProgressDeadlineSeconds(120);
    sim.held.add("2.0.0");
    sim.reconcile();
    sim.advance(Duration.ofSeconds(120));
    assertThat(sim.reconcile().phase()).isEqualTo(Phase.Progressing);
    sim.advance(Duration.ofSeconds(1));
    var plan = sim.reconcile();
    assertThat(plan.phase()).isEqualTo(Phase.Degraded);
    assertThat(sim.status.getAbortReason())
        .startsWith("rolled back 2.0.0 → 1.0.0 at step 1: no progress for 2m (");
    assertThat(sim.transitions)
        .last()
        .extracting(RolloutTransition::reason)
        .isEqualTo(Reason.PROGRESS_DEADLINE);
  }

  @Test
  void aCrashingCanaryRollsBackAtOnce() {
    var sim = RolloutSim.canary(weight(50)).analysis(100, 3, 0.05, null);
    sim.reconcile();
    sim.targetProblems.add("Pod iris-2-0-0-x keeps crashing");
    var plan = sim.reconcile();
    assertThat(plan.phase()).isEqualTo(Phase.Degraded);
    assertThat(sim.status.getAbortReason()).contains("keeps crashing");
    assertThat(sim.transitions)
        .last()
        .extracting(RolloutTransition::reason)
        .isEqualTo(Reason.READINESS_FAILED);
  }

  @Test
  void aRestartedOperatorResumesThePauseWithTheTimeLeft() {
    var sim = RolloutSim.canary(weight(25), pause("10m"), weight(100));
    sim.settle();
    sim.advance(Duration.ofMinutes(4));
    sim.reconcile();
    // A new operator has nothing but the status it reads back.
    var restarted = RolloutSim.canary(weight(25), pause("10m"), weight(100));
    restarted.status = io.modelship.operator.rollout.plan.RolloutState.copy(sim.status);
    restarted.observed = sim.observed;
    restarted.now = sim.now.plusSeconds(60);
    var plan = restarted.reconcile();
    assertThat(plan.phase()).isEqualTo(Phase.Paused);
    assertThat(plan.message()).contains("5m left");
    assertThat(plan.lookAgain()).contains(Duration.ofMinutes(5));
    assertThat(restarted.transitions).as("no second Paused event").isEmpty();
  }

  @Test
  void editedStepsRestartCleanly() {
    var sim = RolloutSim.canary(weight(25), pause(null), weight(75));
    sim.settle();
    assertThat(sim.status.getStepIndex()).isEqualTo(1);
    sim.spec.getCanary().getSteps().set(0, weight(50));
    sim.advance(Duration.ofSeconds(5));
    sim.reconcile();
    assertThat(sim.status.getStepsHash())
        .isEqualTo(RolloutState.stepsHash(sim.spec.getCanary().getSteps()));
    assertThat(sim.status.getDesiredWeight()).isEqualTo(50);
    assertThat(sim.status.getStartedAt()).isEqualTo(sim.now.toString());
    assertThat(sim.transitions).anySatisfy(t -> assertThat(t.message()).contains("edited"));
  }

  @Test
  void settingTheVersionBackIsImmediate() {
    var sim = RolloutSim.canary(weight(50), pause(null)).analysis(100, 1, 0.01, null);
    sim.settle();
    sim.target = "1.0.0";
    var plan = sim.reconcile();
    assertThat(plan.targets())
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t.version()).isEqualTo("1.0.0");
              assertThat(t.replicas()).isEqualTo(4);
              assertThat(t.fromSpec()).isTrue();
            });
    assertThat(plan.stableVersion()).isEqualTo("1.0.0");
    assertThat(sim.kinds()).contains(Kind.REVERTED);
    assertThat(sim.history)
        .last()
        .satisfies(
            r -> {
              assertThat(r.getVersion()).isEqualTo("2.0.0");
              assertThat(r.getOutcome()).isEqualTo(RolloutOutcome.Aborted);
            });
    assertThat(sim.settle().phase()).isEqualTo(Phase.Healthy);
  }

  @Test
  void anAutoscaledStableSideKeepsItsSizeAndTheCanaryFollowsIt() {
    var sim = RolloutSim.canary(weight(10), pause(null));
    sim.autoscaled = true;
    sim.replicas = 2;
    sim.observed.put("1.0.0", new VersionObservation("1.0.0", 10, 10, 10));
    var plan = sim.reconcile();
    assertThat(plan.autoscaledVersion()).as("the HPA stays on the stable side").isEqualTo("1.0.0");
    assertThat(sim.replicasOf("1.0.0")).isEqualTo(10);
    assertThat(sim.replicasOf("2.0.0")).isEqualTo(1);
    sim.reconcile();
    assertThat(sim.status.getActualWeight()).as("1 of 11 pods").isEqualTo(9);
    sim.annotations.put(ManualControl.PROMOTE, "p");
    plan = sim.settle();
    assertThat(plan.autoscaledVersion()).isEqualTo("2.0.0");
    assertThat(plan.targets())
        .singleElement()
        .satisfies(t -> assertThat(t.replicas()).as("HPA owns it").isNull());
  }

  @Test
  void theFirstVersionComesUpWithoutACanary() {
    var sim = RolloutSim.canary(weight(10));
    sim.stable = null;
    sim.observed.clear();
    sim.target = "1.0.0";
    var plan = sim.settle();
    assertThat(plan.stableVersion()).isEqualTo("1.0.0");
    assertThat(plan.phase()).isEqualTo(Phase.Healthy);
    assertThat(sim.status.getHandledTokens()).isNotNull();
  }

  @Test
  void editingTheStepsAfterARollbackStartsANewTry() {
    var sim = RolloutSim.canary(weight(50), pause(null));
    sim.settle();
    sim.annotations.put(ManualControl.ABORT, "a1");
    assertThat(sim.reconcile().phase()).isEqualTo(Phase.Degraded);
    sim.spec.getCanary().getSteps().set(0, weight(25));
    var plan = sim.reconcile();
    assertThat(plan.phase()).isEqualTo(Phase.Progressing);
    assertThat(sim.status.getOutcome()).isNull();
    assertThat(sim.status.getHandledTokens().getAbort())
        .as("the old abort stays spent")
        .isEqualTo("a1");
    assertThat(sim.settle().phase()).isEqualTo(Phase.Paused);
  }

  @Test
  void theRouteSendsTheNewVersionNothingBeforeOneOfItsPodsIsReady() {
    var sim = RolloutSim.canary(weight(10), pause(null));
    var gateway = new io.modelship.api.v1alpha1.spec.GatewayApiRouting();
    gateway.setHttpRoute("iris");
    var routing = new io.modelship.api.v1alpha1.spec.TrafficRouting();
    routing.setGatewayAPI(gateway);
    sim.spec.getCanary().setTrafficRouting(routing);
    sim.held.add("2.0.0");

    var plan = sim.reconcile();
    assertThat(plan.reason()).isEqualTo("WaitingForWeight");
    assertThat(sim.status.getDesiredWeight()).isEqualTo(10);
    assertThat(plan.traffic().canaryWeight())
        .as("a backend without ready pods gets no share of the requests")
        .isZero();

    sim.held.clear();
    sim.reconcile(); // the simulated cluster starts the pod after this plan
    plan = sim.reconcile();
    assertThat(plan.traffic().canaryVersion()).isEqualTo("2.0.0");
    assertThat(plan.traffic().canaryWeight())
        .as("its pod is ready: the step's weight goes on the route")
        .isEqualTo(10);
  }
}
