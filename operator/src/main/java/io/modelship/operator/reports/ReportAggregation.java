package io.modelship.operator.reports;

import io.modelship.api.v1alpha1.report.BinnedCounts;
import io.modelship.api.v1alpha1.report.RuntimeReportSpec;
import io.modelship.drift.DriftReport;
import io.modelship.drift.DriftThresholds;
import io.modelship.drift.Histogram;
import io.modelship.drift.ReferenceBins;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Adds up the pods' reports per version: counts are summed and drift histograms merged bin by bin
 * before scoring, so the resource's drift is the drift of all pods' traffic together rather than an
 * average of per-pod scores.
 */
public final class ReportAggregation {

  private ReportAggregation() {}

  /** Aggregates by version, in version order; entries without a version are ignored. */
  public static Map<String, VersionAggregate> byVersion(
      Map<String, RuntimeReportSpec> reports, DriftThresholds thresholds) {
    Map<String, List<Map.Entry<String, RuntimeReportSpec>>> grouped =
        reports.entrySet().stream()
            .filter(e -> e.getValue() != null && e.getValue().getVersion() != null)
            .sorted(Map.Entry.comparingByKey())
            .collect(
                Collectors.groupingBy(
                    e -> e.getValue().getVersion(), TreeMap::new, Collectors.toList()));
    var result = new TreeMap<String, VersionAggregate>();
    grouped.forEach(
        (version, entries) -> result.put(version, aggregate(version, entries, thresholds)));
    return result;
  }

  /**
   * As {@link #byVersion(Map, DriftThresholds)}, with the drift, predictions and accuracy taken
   * from the history: drift over the shortest trailing span holding {@code driftRows} rows per
   * reporting pod (the drift window size: as much traffic as the pods' own windows hold together),
   * accuracy over the shortest one holding {@code accuracyLabels} labelled feedbacks per pod (the
   * runtime's accuracy window, at least minSamples), a regressor's error over the shortest one
   * holding as many scored feedbacks; when the history holds fewer, everything the pods counted
   * since they started.
   */
  public static Map<String, VersionAggregate> byVersion(
      Map<String, RuntimeReportSpec> reports,
      DriftThresholds thresholds,
      ReportHistory history,
      long driftRows,
      long accuracyLabels) {
    var result = new TreeMap<String, VersionAggregate>();
    byVersion(reports, thresholds)
        .forEach(
            (version, a) -> {
              long pods = Math.max(1, a.pods());
              var drifted =
                  history
                      .trailing(version, c -> c.rows() >= driftRows * pods)
                      .map(ReportHistory.Span::counts);
              var labelled =
                  history
                      .trailing(version, c -> c.labelled() >= accuracyLabels * pods)
                      .map(ReportHistory.Span::counts);
              var scored =
                  history
                      .trailing(version, c -> c.regression().count() >= accuracyLabels * pods)
                      .map(span -> span.counts().regression());
              ErrorAggregate regressionError =
                  a.regressionError().count() == 0
                      ? a.regressionError()
                      : scored
                          .map(
                              e ->
                                  new ErrorAggregate(
                                      e.count(),
                                      e.absolute(),
                                      e.squared(),
                                      a.regressionError().baselineMae(),
                                      a.regressionError().baselineRmse()))
                          .orElse(a.regressionError());
              Optional<DriftReport> drift =
                  drifted.flatMap(c -> history.drift(version, c, thresholds)).or(a::drift);
              Optional<String> problem = a.driftProblem().or(() -> history.problem(version));
              Optional<Histogram> predictions =
                  drifted
                      .filter(c -> c.rows() > 0)
                      .map(c -> Histogram.of(c.predictions()))
                      .or(a::predictions);
              result.put(
                  version,
                  new VersionAggregate(
                      a.version(),
                      a.pods(),
                      a.loadedPods(),
                      a.readyPods(),
                      a.loadErrors(),
                      a.requests(),
                      a.errors(),
                      a.latencyP50Ms(),
                      a.latencyP99Ms(),
                      a.accuracyBaseline(),
                      labelled.map(Counts::labelled).orElse(a.accuracyLabelled()),
                      labelled.map(Counts::correct).orElse(a.accuracyCorrect()),
                      drift,
                      problem,
                      predictions,
                      regressionError));
            });
    return result;
  }

  static VersionAggregate aggregate(
      String version,
      List<Map.Entry<String, RuntimeReportSpec>> entries,
      DriftThresholds thresholds) {
    int loaded = 0;
    int ready = 0;
    long requests = 0;
    long errors = 0;
    long labelled = 0;
    long correct = 0;
    Double p50 = null;
    Double p99 = null;
    Double baseline = null;
    ErrorAggregate regressionError = ErrorAggregate.NONE;
    var loadErrors = new LinkedHashSet<String>();
    for (var entry : entries) {
      RuntimeReportSpec r = entry.getValue();
      if (Boolean.TRUE.equals(r.getModelLoaded())) {
        loaded++;
      }
      if (Boolean.TRUE.equals(r.getReady())) {
        ready++;
      }
      if (r.getLoadError() != null && !r.getLoadError().isBlank()) {
        loadErrors.add(entry.getKey() + ": " + r.getLoadError());
      }
      requests += orZero(r.getRequestCount());
      errors += orZero(r.getErrorCount());
      labelled += orZero(r.getFeedbackCount());
      correct += orZero(r.getFeedbackCorrect());
      p50 = max(p50, r.getLatencyP50Ms());
      p99 = max(p99, r.getLatencyP99Ms());
      if (baseline == null) {
        baseline = r.getAccuracyBaseline();
      }
      regressionError =
          regressionError.plus(
              r.getErrorFeedbackCount(),
              r.getAbsoluteErrorSum(),
              r.getSquaredErrorSum(),
              r.getErrorBaselineMae(),
              r.getErrorBaselineRmse());
    }
    Optional<DriftReport> drift = Optional.empty();
    Optional<String> problem = Optional.empty();
    try {
      drift = mergedDrift(entries.stream().map(Map.Entry::getValue).toList(), thresholds);
    } catch (IllegalArgumentException e) {
      problem = Optional.of(e.getMessage());
    }
    Optional<Histogram> predictions = Optional.empty();
    try {
      var predicted =
          entries.stream().map(e -> e.getValue().getPrediction()).filter(Objects::nonNull).toList();
      predictions =
          predicted.isEmpty() ? Optional.empty() : Optional.of(merge("prediction", predicted));
    } catch (IllegalArgumentException e) {
      problem = problem.or(() -> Optional.of(e.getMessage()));
    }
    return new VersionAggregate(
        version,
        entries.size(),
        loaded,
        ready,
        List.copyOf(loadErrors),
        requests,
        errors,
        p50,
        p99,
        baseline,
        labelled,
        correct,
        drift,
        problem,
        predictions,
        regressionError);
  }

  /**
   * Merges every pod's histograms and scores them against the reference the first pod reported.
   * Empty when no pod has reported predictions yet.
   *
   * @throws IllegalArgumentException when pods report bins that do not line up
   */
  public static Optional<DriftReport> mergedDrift(
      List<RuntimeReportSpec> reports, DriftThresholds thresholds) {
    var withDrift = reports.stream().filter(r -> r.getPrediction() != null).toList();
    if (withDrift.isEmpty()) {
      return Optional.empty();
    }
    RuntimeReportSpec first = withDrift.getFirst();
    var names =
        new ArrayList<>(
            new TreeMap<>(Objects.requireNonNullElse(first.getFeatures(), Map.of())).keySet());
    var references = new ArrayList<ReferenceBins>();
    var merged = new ArrayList<Histogram>();
    for (String name : names) {
      references.add(reference(name, first.getFeatures().get(name)));
      merged.add(merge(name, withDrift.stream().map(r -> feature(r, name)).toList()));
    }
    ReferenceBins predictionReference = reference("prediction", first.getPrediction());
    Histogram predictions =
        merge("prediction", withDrift.stream().map(RuntimeReportSpec::getPrediction).toList());
    return Optional.of(
        DriftReport.score(names, references, merged, predictionReference, predictions, thresholds));
  }

  private static BinnedCounts feature(RuntimeReportSpec report, String name) {
    var features = report.getFeatures();
    BinnedCounts counts = features == null ? null : features.get(name);
    if (counts == null) {
      throw new IllegalArgumentException("a pod did not report feature " + name);
    }
    return counts;
  }

  static ReferenceBins reference(String name, BinnedCounts bins) {
    double[] fractions = toDoubles(bins.getReference());
    List<Double> edges = bins.getEdges();
    if (edges == null || edges.isEmpty()) {
      return ReferenceBins.ofCategories(fractions);
    }
    try {
      return new ReferenceBins(toDoubles(edges), fractions);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("reference of " + name + ": " + e.getMessage(), e);
    }
  }

  static Histogram merge(String name, List<BinnedCounts> all) {
    Histogram merged = null;
    for (BinnedCounts bins : all) {
      List<Long> counts = Objects.requireNonNullElse(bins.getCounts(), List.of());
      Histogram histogram =
          Histogram.of(counts.stream().mapToLong(c -> c == null ? 0 : c).toArray());
      if (merged != null && merged.bins() != histogram.bins()) {
        throw new IllegalArgumentException(
            name
                + " is reported with "
                + merged.bins()
                + " bins by one pod and "
                + histogram.bins()
                + " by another");
      }
      merged = merged == null ? histogram : merged.merge(histogram);
    }
    return merged;
  }

  private static double[] toDoubles(List<Double> values) {
    return Objects.requireNonNullElse(values, List.<Double>of()).stream()
        .mapToDouble(v -> v == null ? 0 : v)
        .toArray();
  }

  private static long orZero(Long value) {
    return value == null ? 0 : value;
  }

  private static Double max(Double current, Double candidate) {
    if (candidate == null) {
      return current;
    }
    return current == null ? candidate : Math.max(current, candidate);
  }
}
