package io.modelship.operator.rollout.plan;

import io.modelship.api.v1alpha1.spec.AnalysisSpec;
import io.modelship.api.v1alpha1.spec.RolloutStrategy;
import io.modelship.api.v1alpha1.status.RolloutOutcome;
import io.modelship.api.v1alpha1.status.RolloutRecord;
import io.modelship.api.v1alpha1.status.RolloutStatus;
import io.modelship.operator.rollout.analysis.VersionMetrics;
import io.modelship.operator.rollout.plan.ManualControl.Intent;
import io.modelship.operator.rollout.plan.RolloutTransition.Kind;
import io.modelship.operator.rollout.plan.RolloutTransition.Reason;
import io.modelship.operator.rollout.traffic.Traffic;
import io.modelship.operator.rollout.traffic.VersionObservation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * One reconcile of a canary or a blue-green rollout, in the order every progressive strategy
 * shares: retry of an ended rollout → abort → readiness of the new version → manual promote intents
 * → the analysis judgement → the strategy's own step. The order is written here once; a strategy
 * supplies only what differs ({@link #fresh}, {@link #promote}, {@link #judge}, {@link #step} and
 * how a rollback looks, {@link #onRollback}).
 */
abstract class ProgressiveRun {

  static final Duration DEFAULT_PROGRESS_DEADLINE = Duration.ofSeconds(600);

  final RolloutStrategy strategy;
  final RolloutInputs in;
  final String target;
  final String stable;
  final AnalysisSpec analysis;
  final Instant now;
  final List<RolloutTransition> transitions = new ArrayList<>();

  /** This run's own status, started from a copy of the last one: the inputs are never changed. */
  RolloutStatus s;

  Duration lookAgain;

  ProgressiveRun(RolloutStrategy strategy, RolloutInputs in) {
    this.strategy = strategy;
    this.in = in;
    this.target = in.targetVersion();
    this.stable = in.stableVersion();
    this.analysis = in.rollout().getAnalysis();
    this.now = in.now();
  }

  /**
   * The plan of a strategy: a first version comes up as a rolling update would (nothing serves to
   * compare against), the stable version is settled, anything else is a rollout run.
   */
  static RolloutPlan plan(
      RolloutStrategy strategy, RolloutInputs in, Function<RolloutInputs, ProgressiveRun> run) {
    String stable = in.stableVersion();
    if (stable == null || !in.observed().containsKey(stable)) {
      return Settled.firstVersion(strategy, in);
    }
    if (in.targetVersion().equals(stable)) {
      return Settled.stable(strategy, in);
    }
    return run.apply(in).plan();
  }

  /** The lifecycle, once for every progressive strategy. */
  final RolloutPlan plan() {
    s = start();
    if (ended()) {
      if (!in.control().isNew(Intent.RETRY, s.getHandledTokens())) {
        s.setHandledTokens(in.control().spent(s.getHandledTokens()));
        return degraded(Optional.empty());
      }
      var tokens = in.control().handle(Intent.RETRY, s.getHandledTokens());
      s = fresh();
      s.setHandledTokens(tokens);
      transitions.add(new RolloutTransition(Kind.RETRIED, Reason.MANUAL, retryMessage()));
    }
    if (in.control().isNew(Intent.ABORT, s.getHandledTokens())) {
      s.setHandledTokens(in.control().handle(Intent.ABORT, s.getHandledTokens()));
      return end(
          RolloutOutcome.Aborted,
          Reason.MANUAL,
          "aborted " + target + " → " + stable + where() + " by " + ManualControl.ABORT);
    }
    if (!in.targetProblems().isEmpty() || loadErrors().isPresent()) {
      String why =
          String.join("; ", in.targetProblems())
              + loadErrors().map(e -> (in.targetProblems().isEmpty() ? "" : "; ") + e).orElse("");
      return end(
          RolloutOutcome.RolledBack,
          Reason.READINESS_FAILED,
          "rolled back " + target + " → " + stable + where() + ": " + why);
    }
    for (Intent intent : List.of(Intent.PROMOTE_FULL, Intent.PROMOTE)) {
      if (in.control().isNew(intent, s.getHandledTokens())) {
        s.setHandledTokens(in.control().handle(intent, s.getHandledTokens()));
        promote(intent);
      }
    }
    // Tokens that arrived but did nothing (promote after the last step) are spent all the same.
    s.setHandledTokens(in.control().spent(s.getHandledTokens()));
    Optional<String> failure = judge();
    if (failure.isPresent()) {
      return end(RolloutOutcome.RolledBack, Reason.ANALYSIS_FAILED, failure.get());
    }
    return step();
  }

  /**
   * The status to continue from: the last one (in today's shape, see {@link RolloutState#current})
   * when it is this rollout, else {@link #fresh}.
   */
  RolloutStatus start() {
    return continues(in.previous()) ? RolloutState.current(in.previous()) : fresh();
  }

  /** The status of a rollout that starts now. */
  abstract RolloutStatus fresh();

  /** What the Event says when a rollout is retried. */
  abstract String retryMessage();

  /** Where the rollout stands, for abort and rollback messages (" at step 2"), or "". */
  abstract String where();

  /** A new manual promote ({@link Intent#PROMOTE} or {@link Intent#PROMOTE_FULL}) arrived. */
  abstract void promote(Intent intent);

  /** Runs the analysis when a judgement is due; the rollback message when it fails for good. */
  abstract Optional<String> judge();

  /** The strategy's own progress, once nothing above ended or held the rollout. */
  abstract RolloutPlan step();

  /** What a rollback clears of the strategy's own status, and where traffic goes afterwards. */
  abstract Traffic onRollback();

  /** Whether the last status is a rollout of the same target from the same stable version. */
  boolean continues(RolloutStatus prev) {
    return prev != null
        && target.equals(prev.getVersion())
        && prev.getStrategy() == strategy
        && prev.getStartedAt() != null
        && stable.equals(prev.getFromVersion());
  }

  boolean ended() {
    return s.getOutcome() == RolloutOutcome.RolledBack || s.getOutcome() == RolloutOutcome.Aborted;
  }

  /** Rolled back or aborted: everything to the stable version now, the new one scaled away. */
  RolloutPlan end(RolloutOutcome outcome, Reason why, String message) {
    s.setOutcome(outcome);
    s.setAbortReason(message);
    var record = RolloutState.record(target, outcome, message, in);
    transitions.add(
        new RolloutTransition(
            outcome == RolloutOutcome.Aborted ? Kind.ABORTED : Kind.ROLLED_BACK, why, message));
    return degraded(Optional.of(record));
  }

  /** The state after a rollback or an abort, until the spec changes or a retry comes. */
  RolloutPlan degraded(Optional<RolloutRecord> record) {
    s.setDesiredWeight(0);
    s.setActualWeight(0);
    s.setPauseStartedAt(null);
    Traffic traffic = onRollback();
    String message =
        s.getAbortReason()
            + ". Set spec.model.version back to "
            + stable
            + ", or retry (kubectl modelship retry, or annotate "
            + ManualControl.RETRY
            + ")";
    return RolloutPlan.rolledBack(
        progress(),
        new VersionTarget(stable, fullSize(), false),
        in.autoscaled(),
        s.getOutcome() == RolloutOutcome.Aborted ? "Aborted" : "RolledBack",
        message,
        traffic,
        record);
  }

  /**
   * The new version took over: it serves everything at full size, with a Promoted history entry.
   */
  RolloutPlan promoted(String message) {
    s.setOutcome(RolloutOutcome.Promoted);
    transitions.add(new RolloutTransition(Kind.PROMOTED, Reason.STEPS, message));
    return RolloutPlan.promoted(
        progress(),
        new VersionTarget(target, in.autoscaled() ? null : in.replicas(), true),
        in.autoscaled(),
        message,
        RolloutState.record(target, RolloutOutcome.Promoted, message, in));
  }

  /** What this run records with a plan: its status, its transitions, when to look again. */
  RolloutPlan.Progress progress() {
    return new RolloutPlan.Progress(s, transitions, Optional.ofNullable(lookAgain));
  }

  /** Pods the serving version needs: the spec's count, or what the HPA scaled the stable one to. */
  int fullSize() {
    VersionObservation stableObs = in.observed().get(stable);
    return in.autoscaled()
        ? Math.max(in.replicas(), stableObs == null ? 0 : stableObs.replicas())
        : in.replicas();
  }

  Optional<String> loadErrors() {
    VersionMetrics m = in.metrics().get(target);
    return m == null || m.loadErrors().isEmpty()
        ? Optional.empty()
        : Optional.of(String.join("; ", m.loadErrors()));
  }

  Duration deadline() {
    Integer seconds = in.rollout().getProgressDeadlineSeconds();
    return seconds == null ? DEFAULT_PROGRESS_DEADLINE : Duration.ofSeconds(seconds);
  }

  void soon(Duration d) {
    if (!d.isNegative() && (lookAgain == null || d.compareTo(lookAgain) < 0)) {
      lookAgain = d;
    }
  }
}
