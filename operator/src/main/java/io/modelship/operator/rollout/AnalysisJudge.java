package io.modelship.operator.rollout;

import io.modelship.api.v1alpha1.spec.AnalysisSpec;
import io.modelship.api.v1alpha1.status.AnalysisMetric;
import io.modelship.api.v1alpha1.status.Measurement;
import io.modelship.api.v1alpha1.status.Verdict;
import io.modelship.drift.Histogram;
import io.modelship.drift.Psi;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Judges the new version on one interval's traffic against the spec's limits: absolute ones on
 * the new version alone, relative ones against the stable version over the same interval. Pure:
 * the figures and the time come in, a verdict and its measurements go out.
 *
 * <p>Below {@code minRequests} (at least 1) every metric is Inconclusive and so is the verdict:
 * too little traffic is never a silent pass or fail. Metrics whose limit the spec leaves out are
 * not measured; accuracy is measured only once both versions have labelled feedback.
 */
public final class AnalysisJudge {

  private AnalysisJudge() {}

  /**
   * @param verdict Fail if any metric failed, else Inconclusive if any was, else Pass
   * @param immediate a failure that rolls back at once, whatever the failure limit (readiness, load errors)
   * @param summary what decided it, for condition messages: the failing values, or what it waits for
   */
  public record Judgement(Verdict verdict, boolean immediate, List<Measurement> measurements, String summary) {
    public Judgement {
      measurements = List.copyOf(measurements);
    }
  }

  public static Judgement judge(
      AnalysisSpec spec,
      AnalysisWindow canary,
      Optional<AnalysisWindow> stable,
      List<String> readinessProblems,
      Duration window,
      Instant now) {
    var j = new Collector(window, now);
    if (!readinessProblems.isEmpty()) {
      j.add(AnalysisMetric.readiness, null, null, Verdict.Fail, 0, "not ready: " + String.join("; ", readinessProblems));
      return new Judgement(Verdict.Fail, true, j.measurements, j.failures());
    }
    long minRequests = Math.max(1, spec.getMinRequests() == null ? 1 : spec.getMinRequests());
    boolean enough = canary.requests() >= minRequests;

    limit(spec.getMaxErrorRate()).ifPresent(max -> {
      Optional<Double> rate = enough ? canary.errorRate() : Optional.empty();
      j.check(AnalysisMetric.errorRate, rate, max, canary.requests(), v -> "error rate " + fmt(v) + " > " + fmt(max));
    });
    limit(spec.getMaxLatencyP99Ms()).ifPresent(max -> {
      Optional<Double> p99 = enough ? Optional.ofNullable(canary.latencyP99Ms()) : Optional.empty();
      j.check(AnalysisMetric.latencyP99Ms, p99, max, canary.requests(), v -> "p99 " + ms(v) + " ms > " + ms(max) + " ms");
    });
    limit(spec.getMaxDriftScore()).ifPresent(max -> {
      Optional<Double> score = enough ? Optional.ofNullable(canary.driftScore()) : Optional.empty();
      j.check(AnalysisMetric.driftScore, score, max, canary.driftSamples(), v -> "drift score " + fmt(v) + " > " + fmt(max));
    });
    limit(spec.getMaxPredictionShift()).ifPresent(max -> {
      Optional<Double> shift = enough ? stable.flatMap(s -> predictionShift(s.predictions(), canary.predictions())) : Optional.empty();
      long samples = canary.predictions().map(Histogram::total).orElse(0L);
      j.check(AnalysisMetric.predictionShift, shift, max, samples, v -> "prediction shift " + fmt(v) + " > " + fmt(max));
    });
    limit(spec.getMaxErrorRateIncrease()).ifPresent(max -> {
      Optional<Double> increase =
          enough
              ? stable.filter(s -> s.requests() >= minRequests).flatMap(AnalysisWindow::errorRate)
                  .flatMap(base -> canary.errorRate().map(rate -> rate - base))
              : Optional.empty();
      j.check(AnalysisMetric.errorRateIncrease, increase, max, canary.requests(),
          v -> "error rate " + fmt(v) + " above stable > " + fmt(max));
    });
    limit(spec.getMaxLatencyP99Ratio()).ifPresent(max -> {
      Optional<Double> ratio =
          enough && canary.latencyP99Ms() != null
              ? stable.map(AnalysisWindow::latencyP99Ms).filter(base -> base != null && base > 0)
                  .map(base -> canary.latencyP99Ms() / base)
              : Optional.empty();
      j.check(AnalysisMetric.latencyP99Ratio, ratio, max, canary.requests(), v -> "p99 " + fmt(v) + "× stable > " + fmt(max) + "×");
    });
    limit(spec.getMaxAccuracyDrop()).ifPresent(max -> {
      boolean feedback = canary.labelled() > 0 && stable.map(s -> s.labelled() > 0).orElse(false);
      if (feedback) {
        Optional<Double> drop = stable.flatMap(AnalysisWindow::accuracy).flatMap(base -> canary.accuracy().map(a -> base - a));
        j.check(AnalysisMetric.accuracyDrop, drop, max, canary.labelled(), v -> "accuracy " + fmt(v) + " below stable > " + fmt(max));
      }
    });

    if (j.failed) {
      return new Judgement(Verdict.Fail, false, j.measurements, j.failures());
    }
    if (!enough) {
      return new Judgement(Verdict.Inconclusive, false, j.measurements,
          "waiting for traffic: " + canary.requests() + " of " + minRequests + " requests in " + Durations.format(window));
    }
    if (j.inconclusive) {
      return new Judgement(Verdict.Inconclusive, false, j.measurements, "waiting for data: " + j.missing());
    }
    return new Judgement(Verdict.Pass, false, j.measurements, "passed " + j.measurements.size() + " checks");
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

  static String ms(double v) {
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
    final String window;
    final String time;
    boolean failed;
    boolean inconclusive;

    Collector(Duration window, Instant now) {
      this.window = Durations.format(window);
      this.time = now.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    void check(AnalysisMetric metric, Optional<Double> value, double threshold, long samples,
        java.util.function.DoubleFunction<String> describe) {
      if (value.isEmpty()) {
        add(metric, null, threshold, Verdict.Inconclusive, samples, null);
        missing.add(metric.name());
        return;
      }
      double v = value.get();
      boolean fail = v > threshold;
      add(metric, v, threshold, fail ? Verdict.Fail : Verdict.Pass, samples, fail ? describe.apply(v) : null);
    }

    void add(AnalysisMetric metric, Double value, Double threshold, Verdict verdict, long samples, String failure) {
      var m = new Measurement();
      m.setMetric(metric);
      m.setValue(round(value));
      m.setThreshold(threshold);
      m.setVerdict(verdict);
      m.setSamples(samples);
      m.setWindow(window);
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
      return String.join(", ", missing);
    }
  }
}
