package io.modelship.operator.rollout.plan;

import io.modelship.operator.rollout.analysis.VersionMetrics;
import io.modelship.operator.rollout.traffic.Traffic;
import io.modelship.api.v1alpha1.spec.AnalysisSpec;
import io.modelship.api.v1alpha1.spec.RolloutStrategy;
import io.modelship.api.v1alpha1.status.RolloutOutcome;
import io.modelship.api.v1alpha1.status.RolloutStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * What one reconcile of a canary or a blue-green rollout shares: the inputs, the status being
 * built, the transitions to record and the earliest time to look again.
 */
abstract class ProgressiveRun {

  static final Duration DEFAULT_PROGRESS_DEADLINE = Duration.ofSeconds(600);

  final RolloutInputs in;
  final String target;
  final String stable;
  final AnalysisSpec analysis;
  final Instant now;
  final List<RolloutTransition> transitions = new ArrayList<>();
  RolloutStatus s;
  Duration lookAgain;

  ProgressiveRun(RolloutInputs in) {
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
  static RolloutPlan plan(RolloutStrategy strategy, RolloutInputs in, Function<RolloutInputs, ProgressiveRun> run) {
    String stable = in.stableVersion();
    if (stable == null || !in.observed().containsKey(stable)) {
      return Settled.firstVersion(strategy, in);
    }
    if (in.targetVersion().equals(stable)) {
      return Settled.stable(strategy, in);
    }
    return run.apply(in).plan();
  }

  abstract RolloutPlan plan();

  /** Whether the last status is a rollout of the same target from the same stable version. */
  boolean continues(RolloutStatus prev, RolloutStrategy strategy) {
    return prev != null && target.equals(prev.getVersion()) && prev.getStrategy() == strategy
        && prev.getStartedAt() != null && stable.equals(prev.getFromVersion());
  }

  boolean ended() {
    return s.getOutcome() == RolloutOutcome.RolledBack || s.getOutcome() == RolloutOutcome.Aborted;
  }

  /** The new version took over: it serves everything at full size, with a Promoted history entry. */
  RolloutPlan promoted(String message) {
    s.setOutcome(RolloutOutcome.Promoted);
    transitions.add(new RolloutTransition(RolloutTransition.Kind.PROMOTED, RolloutTransition.Reason.STEPS, message));
    return new RolloutPlan(
        List.of(new VersionTarget(target, in.autoscaled() ? null : in.replicas(), true)),
        target, in.autoscaled() ? target : null, io.modelship.api.v1alpha1.status.Phase.Healthy, false, message,
        "RolloutComplete", Traffic.all(null), s,
        Optional.of(RolloutState.record(target, RolloutOutcome.Promoted, message, in)), Optional.empty(), transitions);
  }

  Optional<String> loadErrors() {
    VersionMetrics m = in.metrics().get(target);
    return m == null || m.loadErrors().isEmpty() ? Optional.empty() : Optional.of(String.join("; ", m.loadErrors()));
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
