package io.modelship.operator.rollout.plan;

import io.modelship.api.v1alpha1.spec.AnalysisSpec;
import io.modelship.api.v1alpha1.status.AnalysisStatus;
import io.modelship.api.v1alpha1.status.RolloutStatus;
import io.modelship.api.v1alpha1.status.Verdict;
import io.modelship.operator.rollout.analysis.AnalysisJudge;
import io.modelship.operator.rollout.analysis.AnalysisWindow;
import io.modelship.operator.rollout.analysis.Durations;
import io.modelship.operator.rollout.analysis.Evidence;
import io.modelship.operator.rollout.analysis.SampleMinimums;
import io.modelship.operator.rollout.analysis.TrafficHistory;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * When judgements happen, on which windows, and what they leave in {@code status.rollout.analysis}:
 * none before {@code initialDelay}; then one per {@code interval}, error rate and latency on the
 * traffic since the previous judgement. Drift, prediction shift and accuracy use the same window
 * when it holds their minimum samples; otherwise the window widens back over earlier points of the
 * history, never before the step (or the analysis) started, until it does — still short, that
 * statistic is Inconclusive and says what it waits for.
 */
final class AnalysisSchedule {

  static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(30);
  static final int MEASUREMENT_LIMIT = 24;

  private AnalysisSchedule() {}

  /**
   * The status after a judgement (or with the window moved, or unchanged, when none is due) and,
   * when failures reach the failure limit, the rollback message.
   */
  record Judged(RolloutStatus state, Optional<String> failure) {

    static Judged none(RolloutStatus state) {
      return new Judged(state, Optional.empty());
    }
  }

  /**
   * Judges when a judgement is due, on a copy of {@code s}: {@code s} itself is not changed.
   *
   * @param soon told when the next judgement is due
   * @return the new status and the failure summary with the count, e.g. {@code p99 82 ms > 50 ms (2
   *     of 2 failed)}, once failures reach the failure limit
   */
  static Judged run(
      AnalysisSpec analysis,
      RolloutStatus s,
      RolloutInputs in,
      String target,
      String stable,
      Consumer<Duration> soon) {
    Instant now = in.now();
    Instant delayEnd =
        RolloutState.instant(s.getStartedAt())
            .plus(Durations.parseOr(analysis.getInitialDelay(), Duration.ZERO));
    Duration interval = Durations.parseOr(analysis.getInterval(), DEFAULT_INTERVAL);
    Instant windowStart = RolloutState.instant(s.getAnalysis().getWindowStartedAt());
    if (now.isBefore(delayEnd)) {
      soon.accept(Duration.between(now, delayEnd));
      return Judged.none(s);
    }
    if (windowStart.isBefore(delayEnd)) {
      // Warm-up traffic before the initial delay is not judged: the first window starts now.
      soon.accept(interval);
      return Judged.none(
          RolloutState.edit(s, n -> n.getAnalysis().setWindowStartedAt(RolloutState.time(now))));
    }
    Instant due = windowStart.plus(interval);
    if (now.isBefore(due)) {
      soon.accept(Duration.between(now, due));
      return Judged.none(s);
    }
    Instant stepStart = RolloutState.instant(s.getStepStartedAt());
    Instant floor = stepStart.isAfter(delayEnd) ? stepStart : delayEnd;
    Evidence evidence =
        evidence(
            analysis, in, target, stable, floor, windowStart.isBefore(floor) ? floor : windowStart);
    var judgement =
        AnalysisJudge.judge(analysis, evidence, in.minimums(), target, stable, List.of(), now);

    RolloutStatus next = RolloutState.copy(s);
    AnalysisStatus a = next.getAnalysis();
    a.setWindowStartedAt(RolloutState.time(now));
    a.setLastJudgedAt(RolloutState.time(now));
    a.setLastVerdict(judgement.verdict());
    a.setMessage(judgement.summary());
    a.setMeasurements(
        RolloutState.bounded(a.getMeasurements(), judgement.measurements(), MEASUREMENT_LIMIT));
    soon.accept(interval);
    switch (judgement.verdict()) {
      case Pass -> a.setPassed(a.getPassed() + 1);
      case Inconclusive -> a.setInconclusive(a.getInconclusive() + 1);
      case Fail -> a.setFailed(a.getFailed() + 1);
    }
    int limit = failureLimit(analysis);
    if (judgement.verdict() == Verdict.Fail && (judgement.immediate() || a.getFailed() >= limit)) {
      return new Judged(
          next,
          Optional.of(judgement.summary() + " (" + a.getFailed() + " of " + limit + " failed)"));
    }
    return Judged.none(next);
  }

  /**
   * The interval's windows, and for each sample-hungry statistic its window widened back to {@code
   * floor} at most.
   */
  static Evidence evidence(
      AnalysisSpec analysis,
      RolloutInputs in,
      String target,
      String stable,
      Instant floor,
      Instant from) {
    TrafficHistory h = in.traffic();
    Instant now = in.now();
    boolean withStable = stable != null && in.metrics().containsKey(stable);
    Pair interval =
        new Pair(
            h.window(target, from, now),
            withStable ? Optional.of(h.window(stable, from, now)) : Optional.empty());
    long minRequests = AnalysisJudge.minRequests(analysis);
    SampleMinimums min = in.minimums();
    Pair drift =
        widen(h, target, null, floor, interval, now, p -> p.canary().driftSamples() >= min.drift());
    Pair shift =
        widen(
            h,
            target,
            withStable ? stable : null,
            floor,
            interval,
            now,
            p ->
                p.canary().predicted() >= minRequests
                    && p.stable().map(w -> w.predicted() >= minRequests).orElse(true));
    Pair accuracy =
        widen(
            h,
            target,
            withStable ? stable : null,
            floor,
            interval,
            now,
            p ->
                p.canary().labelled() >= min.accuracy()
                    && p.stable().map(w -> w.labelled() >= min.accuracy()).orElse(true));
    return new Evidence(
        interval.canary(),
        interval.stable(),
        drift.canary(),
        shift.canary(),
        shift.stable(),
        accuracy.canary(),
        accuracy.stable());
  }

  /** A window of the new version and the stable version's over the same span. */
  record Pair(AnalysisWindow canary, Optional<AnalysisWindow> stable) {}

  /**
   * The narrowest window from {@code start} back to {@code floor} that is {@code enough}; the
   * widest when none is.
   */
  static Pair widen(
      TrafficHistory h,
      String target,
      String stable,
      Instant floor,
      Pair start,
      Instant now,
      java.util.function.Predicate<Pair> enough) {
    Pair pair = new Pair(start.canary(), stable == null ? Optional.empty() : start.stable());
    if (enough.test(pair)) {
      return pair;
    }
    for (Instant from : h.startsBetween(floor, start.canary().from())) {
      pair =
          new Pair(
              h.window(target, from, now),
              stable == null ? Optional.empty() : Optional.of(h.window(stable, from, now)));
      if (enough.test(pair)) {
        return pair;
      }
    }
    return pair;
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
