package io.modelship.operator.rollout.analysis;

import io.modelship.api.v1alpha1.spec.AnalysisSpec;
import io.modelship.api.v1alpha1.status.AnalysisMetric;
import io.modelship.api.v1alpha1.status.Measurement;
import io.modelship.api.v1alpha1.status.Verdict;
import io.modelship.drift.Histogram;
import io.modelship.drift.Psi;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Judges the new version against the spec's limits: absolute ones on the new version alone,
 * relative ones against the stable version over the same span. Pure: the windows and the time come
 * in, a verdict and its measurements go out; each measurement records the span and samples it was
 * judged on.
 *
 * <p>Below {@code minRequests} (at least 1) in the interval every metric is Inconclusive and so is
 * the verdict: too little traffic is never a silent pass or fail. A statistic with fewer samples
 * than it needs (drift below {@code monitoring.drift.minSamples} rows, accuracy below {@code
 * monitoring.accuracy.minSamples} labelled predictions of either version, prediction shift below
 * {@code minRequests} predictions of either version, each in its possibly widened window) is
 * Inconclusive too, and the summary says what it waits for. Metrics whose limit the spec leaves out
 * are not measured; accuracy is measured only once both versions have labelled feedback.
 */
public final class AnalysisJudge {

  private AnalysisJudge() {}

  /**
   * @param verdict Fail if any metric failed, else Inconclusive if any was, else Pass
   * @param immediate a failure that rolls back at once, whatever the failure limit (readiness, load
   *     errors)
   * @param summary what decided it, for condition messages: the failing values, or what it waits
   *     for
   */
  public record Judgement(
      Verdict verdict, boolean immediate, List<Measurement> measurements, String summary) {
    public Judgement {
      measurements = List.copyOf(measurements);
    }
  }

  /**
   * @param canaryVersion and {@code stableVersion} name the versions in what-it-waits-for messages
   */
  public static Judgement judge(
      AnalysisSpec spec,
      Evidence e,
      SampleMinimums minimums,
      String canaryVersion,
      String stableVersion,
      List<String> readinessProblems,
      Instant now) {
    var j = new Collector(now);
    AnalysisWindow canary = e.interval();
    Optional<AnalysisWindow> stable = e.stableInterval();
    if (!readinessProblems.isEmpty()) {
      j.add(
          AnalysisMetric.readiness,
          null,
          null,
          Verdict.Fail,
          canary,
          0,
          "not ready: " + String.join("; ", readinessProblems));
      return new Judgement(Verdict.Fail, true, j.measurements, j.failures());
    }
    long minRequests = minRequests(spec);
    boolean enough = canary.requests() >= minRequests;

    limit(spec.getMaxErrorRate())
        .ifPresent(
            max -> {
              Optional<Double> rate = enough ? canary.errorRate() : Optional.empty();
              j.check(
                  AnalysisMetric.errorRate,
                  rate,
                  max,
                  canary,
                  canary.requests(),
                  v -> "error rate " + fmt(v) + " > " + fmt(max));
            });
    limit(spec.getMaxLatencyP99Ms())
        .ifPresent(
            max -> {
              Optional<Double> p99 =
                  enough ? Optional.ofNullable(canary.latencyP99Ms()) : Optional.empty();
              j.check(
                  AnalysisMetric.latencyP99Ms,
                  p99,
                  max,
                  canary,
                  canary.requests(),
                  v -> "p99 " + ms(v) + " ms > " + ms(max) + " ms");
            });
    limit(spec.getMaxDriftScore())
        .ifPresent(
            max -> {
              AnalysisWindow w = e.drift();
              if (enough && w.driftSamples() < minimums.drift()) {
                j.waiting(
                    AnalysisMetric.driftScore,
                    max,
                    w,
                    w.driftSamples(),
                    "waiting for drift samples: "
                        + w.driftSamples()
                        + " of "
                        + minimums.drift()
                        + " on "
                        + canaryVersion);
                return;
              }
              Optional<Double> score =
                  enough ? Optional.ofNullable(w.driftScore()) : Optional.empty();
              j.check(
                  AnalysisMetric.driftScore,
                  score,
                  max,
                  w,
                  w.driftSamples(),
                  v -> "drift score " + fmt(v) + " > " + fmt(max));
            });
    limit(spec.getMaxPredictionShift())
        .ifPresent(
            max -> {
              AnalysisWindow w = e.shift();
              Optional<AnalysisWindow> s = e.stableShift();
              long stablePredicted = s.map(AnalysisWindow::predicted).orElse(0L);
              if (enough
                  && s.isPresent()
                  && (w.predicted() < minRequests || stablePredicted < minRequests)) {
                boolean canaryShort = w.predicted() < minRequests;
                j.waiting(
                    AnalysisMetric.predictionShift,
                    max,
                    w,
                    w.predicted(),
                    "waiting for predictions: "
                        + (canaryShort ? w.predicted() : stablePredicted)
                        + " of "
                        + minRequests
                        + " on "
                        + (canaryShort ? canaryVersion : stableVersion));
                return;
              }
              Optional<Double> shift =
                  enough
                      ? s.flatMap(st -> predictionShift(st.predictions(), w.predictions()))
                      : Optional.empty();
              j.check(
                  AnalysisMetric.predictionShift,
                  shift,
                  max,
                  w,
                  w.predicted(),
                  v -> "prediction shift " + fmt(v) + " > " + fmt(max));
            });
    limit(spec.getMaxErrorRateIncrease())
        .ifPresent(
            max -> {
              Optional<Double> increase =
                  enough
                      ? stable
                          .filter(s -> s.requests() >= minRequests)
                          .flatMap(AnalysisWindow::errorRate)
                          .flatMap(base -> canary.errorRate().map(rate -> rate - base))
                      : Optional.empty();
              j.check(
                  AnalysisMetric.errorRateIncrease,
                  increase,
                  max,
                  canary,
                  canary.requests(),
                  v -> "error rate " + fmt(v) + " above stable > " + fmt(max));
            });
    limit(spec.getMaxLatencyP99Ratio())
        .ifPresent(
            max -> {
              Double p99 = canary.latencyP99Ms();
              Optional<Double> ratio =
                  enough && p99 != null
                      ? stable
                          .map(AnalysisWindow::latencyP99Ms)
                          .filter(base -> base != null && base > 0)
                          .map(base -> p99 / base)
                      : Optional.empty();
              j.check(
                  AnalysisMetric.latencyP99Ratio,
                  ratio,
                  max,
                  canary,
                  canary.requests(),
                  v -> "p99 " + fmt(v) + "× stable > " + fmt(max) + "×");
            });
    limit(spec.getMaxAccuracyDrop())
        .ifPresent(
            max -> {
              AnalysisWindow w = e.accuracy();
              Optional<AnalysisWindow> s = e.stableAccuracy();
              long stableLabelled = s.map(AnalysisWindow::labelled).orElse(0L);
              if (w.labelled() == 0 && stableLabelled == 0) {
                return; // no feedback at all: accuracy is not part of this analysis
              }
              if (w.labelled() < minimums.accuracy() || stableLabelled < minimums.accuracy()) {
                // A handful of labels is noise: 1 wrong in 6 must not roll a good version back.
                boolean canaryShort = w.labelled() < minimums.accuracy();
                j.waiting(
                    AnalysisMetric.accuracyDrop,
                    max,
                    w,
                    w.labelled(),
                    "waiting for labelled feedback: "
                        + (canaryShort ? w.labelled() : stableLabelled)
                        + " of "
                        + minimums.accuracy()
                        + " on "
                        + (canaryShort ? canaryVersion : stableVersion));
                return;
              }
              Optional<Double> drop =
                  s.flatMap(AnalysisWindow::accuracy)
                      .flatMap(base -> w.accuracy().map(a -> base - a));
              j.check(
                  AnalysisMetric.accuracyDrop,
                  drop,
                  max,
                  w,
                  w.labelled(),
                  v -> "accuracy " + fmt(v) + " below stable > " + fmt(max));
            });

    if (j.failed) {
      return new Judgement(Verdict.Fail, false, j.measurements, j.failures());
    }
    if (!enough) {
      return new Judgement(
          Verdict.Inconclusive,
          false,
          j.measurements,
          "waiting for traffic: "
              + canary.requests()
              + " of "
              + minRequests
              + " requests in "
              + Durations.format(canary.span()));
    }
    if (j.inconclusive) {
      return new Judgement(Verdict.Inconclusive, false, j.measurements, j.missing());
    }
    return new Judgement(
        Verdict.Pass, false, j.measurements, "passed " + j.measurements.size() + " checks");
  }

  public static long minRequests(AnalysisSpec spec) {
    return Math.max(1, spec.getMinRequests() == null ? 1 : spec.getMinRequests());
  }

  /** PSI of the new version's predicted classes against the stable version's. */
  static Optional<Double> predictionShift(Optional<Histogram> stable, Optional<Histogram> canary) {
    if (stable.isEmpty() || canary.isEmpty()) {
      return Optional.empty();
    }
    Histogram s = stable.get();
    Histogram c = canary.get();
    if (s.bins() != c.bins() || s.total() == 0 || c.total() == 0) {
      return Optional.empty();
    }
    return Optional.of(Psi.of(s.fractions(), c.fractions()));
  }

  private static Optional<Double> limit(Double value) {
    return Optional.ofNullable(value);
  }

  static String fmt(double v) {
    return String.format(Locale.ROOT, "%.4f", v).replaceAll("0+$", "").replaceAll("\\.$", "");
  }

  public static String ms(double v) {
    return v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.1f", v);
  }

  /** Six decimals keep the status free of floating-point noise. */
  static Double round(Double v) {
    return v == null ? null : Math.round(v * 1e6) / 1e6;
  }

  private static final class Collector {
    final List<Measurement> measurements = new ArrayList<>();
    final List<String> failures = new ArrayList<>();
    final List<String> missing = new ArrayList<>();
    final String time;
    boolean failed;
    boolean inconclusive;

    Collector(Instant now) {
      this.time = now.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    void check(
        AnalysisMetric metric,
        Optional<Double> value,
        double threshold,
        AnalysisWindow window,
        long samples,
        java.util.function.DoubleFunction<String> describe) {
      if (value.isEmpty()) {
        add(metric, null, threshold, Verdict.Inconclusive, window, samples, null);
        missing.add("waiting for data: " + metric.name());
        return;
      }
      double v = value.get();
      boolean fail = v > threshold;
      add(
          metric,
          v,
          threshold,
          fail ? Verdict.Fail : Verdict.Pass,
          window,
          samples,
          fail ? describe.apply(v) : null);
    }

    /**
     * Inconclusive because the statistic has fewer samples than it needs; {@code why} says how
     * many.
     */
    void waiting(
        AnalysisMetric metric, double threshold, AnalysisWindow window, long samples, String why) {
      add(metric, null, threshold, Verdict.Inconclusive, window, samples, null);
      missing.add(why);
    }

    void add(
        AnalysisMetric metric,
        Double value,
        Double threshold,
        Verdict verdict,
        AnalysisWindow window,
        long samples,
        String failure) {
      var m = new Measurement();
      m.setMetric(metric);
      m.setValue(round(value));
      m.setThreshold(threshold);
      m.setVerdict(verdict);
      m.setSamples(samples);
      m.setWindow(Durations.format(window.span()));
      m.setWindowStart(window.from().truncatedTo(ChronoUnit.SECONDS).toString());
      m.setTime(time);
      measurements.add(m);
      if (verdict == Verdict.Fail) {
        failed = true;
        failures.add(failure);
      } else if (verdict == Verdict.Inconclusive) {
        inconclusive = true;
      }
    }

    String failures() {
      return String.join(", ", failures);
    }

    String missing() {
      return String.join("; ", missing);
    }
  }
}
