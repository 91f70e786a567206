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
 * how a rollback looks, {@link #rolledBack} and {@link #rollbackTraffic}).
 *
 * <p>State goes in and out as values: every step takes the {@code status.rollout} it continues from
 * and returns a new one (a copy, {@link RolloutState#edit}), never changing what it was given, and
 * the last one leaves with the plan ({@link RolloutPlan#rollout()}). A run keeps only what this
 * reconcile adds to the plan: its transitions and when to look again.
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
    RolloutStatus s = start();
    ManualControl control = in.control();
    if (ended(s)) {
      if (!control.isNew(Intent.RETRY, s.getHandledTokens())) {
        return degraded(
            RolloutState.edit(s, n -> n.setHandledTokens(control.spent(n.getHandledTokens()))),
            Optional.empty());
      }
      var tokens = control.handle(Intent.RETRY, s.getHandledTokens());
      s = RolloutState.edit(fresh(), n -> n.setHandledTokens(tokens));
      transitions.add(new RolloutTransition(Kind.RETRIED, Reason.MANUAL, retryMessage()));
    }
    if (control.isNew(Intent.ABORT, s.getHandledTokens())) {
      return end(
          RolloutState.edit(
              s, n -> n.setHandledTokens(control.handle(Intent.ABORT, n.getHandledTokens()))),
          RolloutOutcome.Aborted,
          Reason.MANUAL,
          "aborted " + target + " → " + stable + where(s) + " by " + ManualControl.ABORT);
    }
    if (!in.targetProblems().isEmpty() || loadErrors().isPresent()) {
      String why =
          String.join("; ", in.targetProblems())
              + loadErrors().map(e -> (in.targetProblems().isEmpty() ? "" : "; ") + e).orElse("");
      return end(
          s,
          RolloutOutcome.RolledBack,
          Reason.READINESS_FAILED,
          "rolled back " + target + " → " + stable + where(s) + ": " + why);
    }
    for (Intent intent : List.of(Intent.PROMOTE_FULL, Intent.PROMOTE)) {
      if (control.isNew(intent, s.getHandledTokens())) {
        s =
            promote(
                intent,
                RolloutState.edit(
                    s, n -> n.setHandledTokens(control.handle(intent, n.getHandledTokens()))));
      }
    }
    // Tokens that arrived but did nothing (promote after the last step) are spent all the same.
    s = RolloutState.edit(s, n -> n.setHandledTokens(control.spent(n.getHandledTokens())));
    AnalysisSchedule.Judged judged = judge(s);
    if (judged.failure().isPresent()) {
      return end(
          judged.state(),
          RolloutOutcome.RolledBack,
          Reason.ANALYSIS_FAILED,
          judged.failure().get());
    }
    return step(judged.state());
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
  abstract String where(RolloutStatus s);

  /**
   * A new manual promote ({@link Intent#PROMOTE} or {@link Intent#PROMOTE_FULL}) arrived: the
   * status after it.
   */
  abstract RolloutStatus promote(Intent intent, RolloutStatus s);

  /**
   * Runs the analysis when a judgement is due: the status with the judgement recorded, and the
   * rollback message when it fails for good.
   */
  abstract AnalysisSchedule.Judged judge(RolloutStatus s);

  /** The strategy's own progress, once nothing above ended or held the rollout. */
  abstract RolloutPlan step(RolloutStatus s);

  /** The status after a rollback, without what the strategy's progress left in it. */
  abstract RolloutStatus rolledBack(RolloutStatus s);

  /** Where traffic goes after a rollback. */
  abstract Traffic rollbackTraffic();

  /** Whether the last status is a rollout of the same target from the same stable version. */
  boolean continues(RolloutStatus prev) {
    return prev != null
        && target.equals(prev.getVersion())
        && prev.getStrategy() == strategy
        && prev.getStartedAt() != null
        && stable.equals(prev.getFromVersion());
  }

  static boolean ended(RolloutStatus s) {
    return s.getOutcome() == RolloutOutcome.RolledBack || s.getOutcome() == RolloutOutcome.Aborted;
  }

  /** Rolled back or aborted: everything to the stable version now, the new one scaled away. */
  RolloutPlan end(RolloutStatus s, RolloutOutcome outcome, Reason why, String message) {
    var record = RolloutState.record(target, outcome, message, in);
    transitions.add(
        new RolloutTransition(
            outcome == RolloutOutcome.Aborted ? Kind.ABORTED : Kind.ROLLED_BACK, why, message));
    return degraded(
        RolloutState.edit(
            s,
            n -> {
              n.setOutcome(outcome);
              n.setAbortReason(message);
            }),
        Optional.of(record));
  }

  /** The state after a rollback or an abort, until the spec changes or a retry comes. */
  RolloutPlan degraded(RolloutStatus s, Optional<RolloutRecord> record) {
    RolloutStatus after =
        rolledBack(
            RolloutState.edit(
                s,
                n -> {
                  n.setDesiredWeight(0);
                  n.setActualWeight(0);
                  n.setPauseStartedAt(null);
                }));
    String message =
        after.getAbortReason()
            + ". Set spec.model.version back to "
            + stable
            + ", or retry (kubectl modelship retry, or annotate "
            + ManualControl.RETRY
            + ")";
    return RolloutPlan.rolledBack(
        progress(after),
        new VersionTarget(stable, fullSize(), false),
        in.autoscaled(),
        after.getOutcome() == RolloutOutcome.Aborted ? "Aborted" : "RolledBack",
        message,
        rollbackTraffic(),
        record);
  }

  /**
   * The new version took over: it serves everything at full size, with a Promoted history entry.
   */
  RolloutPlan promoted(RolloutStatus s, String message) {
    transitions.add(new RolloutTransition(Kind.PROMOTED, Reason.STEPS, message));
    return RolloutPlan.promoted(
        progress(RolloutState.edit(s, n -> n.setOutcome(RolloutOutcome.Promoted))),
        new VersionTarget(target, in.autoscaled() ? null : in.replicas(), true),
        in.autoscaled(),
        message,
        RolloutState.record(target, RolloutOutcome.Promoted, message, in));
  }

  /** What this run records with a plan: the new status, its transitions, when to look again. */
  RolloutPlan.Progress progress(RolloutStatus s) {
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
