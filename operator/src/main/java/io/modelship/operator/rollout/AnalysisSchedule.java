package io.modelship.operator.rollout;

import io.modelship.api.v1alpha1.spec.AnalysisSpec;
import io.modelship.api.v1alpha1.status.AnalysisStatus;
import io.modelship.api.v1alpha1.status.RolloutStatus;
import io.modelship.api.v1alpha1.status.Verdict;
import io.modelship.api.v1alpha1.status.VersionCounters;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * When judgements happen and what they leave in {@code status.rollout.analysis}: none before
 * {@code initialDelay}; then one per {@code interval}, each on the traffic since the previous
 * one (cumulative counters differenced against the ones recorded then).
 */
final class AnalysisSchedule {

  static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(30);
  static final int MEASUREMENT_LIMIT = 24;

  private AnalysisSchedule() {}

  /**
   * Updates {@code s.analysis} in place (it is the planner's own copy).
   *
   * @param soon told when the next judgement is due
   * @return the failure summary with the count, e.g. {@code p99 82 ms > 50 ms (2 of 2 failed)},
   *     once failures reach the failure limit
   */
  static Optional<String> run(AnalysisSpec analysis, RolloutStatus s, RolloutInputs in, String target, String stable,
      Consumer<Duration> soon) {
    AnalysisStatus a = s.getAnalysis();
    Instant now = in.now();
    Instant delayEnd = RolloutState.instant(s.getStartedAt()).plus(Durations.parseOr(analysis.getInitialDelay(), Duration.ZERO));
    Duration interval = Durations.parseOr(analysis.getInterval(), DEFAULT_INTERVAL);
    Instant windowStart = RolloutState.instant(a.getWindowStartedAt());
    if (now.isBefore(delayEnd)) {
      soon.accept(Duration.between(now, delayEnd));
      return Optional.empty();
    }
    if (windowStart.isBefore(delayEnd)) {
      // Warm-up traffic before the initial delay is not judged: the first window starts now.
      a.setCounters(RolloutState.counters(in, target, stable));
      a.setWindowStartedAt(RolloutState.time(now));
      soon.accept(interval);
      return Optional.empty();
    }
    Instant due = windowStart.plus(interval);
    if (now.isBefore(due)) {
      soon.accept(Duration.between(now, due));
      return Optional.empty();
    }
    Duration window = Duration.between(windowStart, now);
    Map<String, VersionCounters> counters = a.getCounters() == null ? Map.of() : a.getCounters();
    VersionMetrics canaryNow = in.metrics().getOrDefault(target, VersionMetrics.traffic(0, 0, null));
    AnalysisWindow canary = AnalysisWindow.between(counters.get(target), canaryNow);
    Optional<AnalysisWindow> stableWindow =
        Optional.ofNullable(in.metrics().get(stable)).map(m -> AnalysisWindow.between(counters.get(stable), m));
    var judgement = AnalysisJudge.judge(analysis, canary, stableWindow, List.of(), window, now);

    a.setCounters(RolloutState.counters(in, target, stable));
    a.setWindowStartedAt(RolloutState.time(now));
    a.setLastJudgedAt(RolloutState.time(now));
    a.setLastVerdict(judgement.verdict());
    a.setMessage(judgement.summary());
    a.setMeasurements(RolloutState.bounded(a.getMeasurements(), judgement.measurements(), MEASUREMENT_LIMIT));
    soon.accept(interval);
    switch (judgement.verdict()) {
      case Pass -> a.setPassed(a.getPassed() + 1);
      case Inconclusive -> a.setInconclusive(a.getInconclusive() + 1);
      case Fail -> a.setFailed(a.getFailed() + 1);
    }
    int limit = failureLimit(analysis);
    if (judgement.verdict() == Verdict.Fail && (judgement.immediate() || a.getFailed() >= limit)) {
      return Optional.of(judgement.summary() + " (" + a.getFailed() + " of " + limit + " failed)");
    }
    return Optional.empty();
  }

  static int failureLimit(AnalysisSpec analysis) {
    return Math.max(1, analysis.getFailureLimit() == null ? 1 : analysis.getFailureLimit());
  }

  /** Whether a judgement since {@code since} passed. */
  static boolean passedSince(RolloutStatus s, Instant since) {
    return judgedSince(s, since) && s.getAnalysis().getLastVerdict() == Verdict.Pass;
  }

  static boolean judgedSince(RolloutStatus s, Instant since) {
    String judged = s.getAnalysis() == null ? null : s.getAnalysis().getLastJudgedAt();
    return judged != null && !RolloutState.instant(judged).isBefore(since);
  }
}
