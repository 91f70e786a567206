package io.modelship.runtime.report;

import io.modelship.api.v1alpha1.report.BinnedCounts;
import io.modelship.api.v1alpha1.report.LatencyBuckets;
import io.modelship.api.v1alpha1.report.RuntimeReportSpec;
import io.modelship.drift.Histogram;
import io.modelship.drift.ReferenceBins;
import io.modelship.runtime.inference.InferenceService;
import io.modelship.runtime.inference.ModelRuntime;
import io.modelship.runtime.monitoring.AccuracySnapshot;
import io.modelship.runtime.monitoring.DriftMonitor;
import io.modelship.runtime.monitoring.DriftWindow;
import io.modelship.runtime.monitoring.ErrorTotals;
import io.modelship.runtime.monitoring.LatencyWindow;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What this pod writes into its own {@code RuntimeReport}: its readiness, load error, and counts
 * since start (requests, errors, latency buckets, labelled feedback, feature and prediction bins)
 * so the operator can difference successive reports into the traffic of any interval and merge all
 * pods' bins. The runtime's own sliding windows stay behind {@code /drift}, {@code /model_info} and
 * {@link RuntimeReportSpec#getDriftStatus()}.
 */
public final class RuntimeReportSnapshot {

  private RuntimeReportSnapshot() {}

  public static RuntimeReportSpec of(ModelRuntime runtime) {
    RuntimeReportSpec report = new RuntimeReportSpec();
    // The version the operator deployed, so a pod whose model failed to load is still counted.
    report.setVersion(runtime.config().modelVersion());
    report.setReady(runtime.ready());
    report.setModelLoaded(runtime.loaded());
    report.setLoadError(runtime.loadError());
    report.setRequestCount(runtime.metrics().totalRequests());
    report.setErrorCount(runtime.metrics().errorResponses());
    report.setStartTime(
        runtime.startedAt().truncatedTo(java.time.temporal.ChronoUnit.MILLIS).toString());
    report.setLatencyCounts(LatencyBuckets.trimmed(runtime.metrics().latencyCounts()));
    LatencyWindow.Percentiles latency = runtime.metrics().latency();
    if (latency.count() > 0) {
      report.setLatencyP50Ms(latency.p50());
      report.setLatencyP99Ms(latency.p99());
    }
    InferenceService service = runtime.serviceOrNull();
    if (service == null) {
      return report;
    }
    if (report.getVersion() == null) {
      report.setVersion(service.manifest().version());
    }
    report.setPackageSha256(service.model().packageSha256());
    AccuracySnapshot accuracy = service.accuracy();
    if (accuracy != null) {
      report.setAccuracyBaseline(accuracy.trainingAccuracy());
      report.setAccuracyLabelled((long) accuracy.windowCount());
      report.setAccuracyCorrect(
          accuracy.accuracy() == null
              ? 0L
              : Math.round(accuracy.accuracy() * accuracy.windowCount()));
      report.setFeedbackCount(accuracy.totalFeedback());
      report.setFeedbackCorrect(accuracy.totalCorrect());
    }
    if (service.sink() != null) {
      report.setSinkRowsWritten(service.sink().rowsWritten());
      report.setSinkRowsDropped(service.rowsLost());
    }
    ErrorTotals errors = service.errorTotals();
    if (errors != null) {
      report.setErrorBaselineMae(errors.baselineMae());
      report.setErrorBaselineRmse(errors.baselineRmse());
      report.setErrorFeedbackCount(errors.count());
      report.setAbsoluteErrorSum(errors.absoluteErrorSum());
      report.setSquaredErrorSum(errors.squaredErrorSum());
    }
    DriftMonitor drift = service.driftMonitor();
    if (drift != null) {
      DriftWindow window = drift.cumulative();
      Map<String, BinnedCounts> features = new LinkedHashMap<>();
      for (int j = 0; j < drift.featureNames().size(); j++) {
        ReferenceBins reference = drift.featureReferences().get(j);
        features.put(
            drift.featureNames().get(j),
            bins(
                Arrays.stream(reference.edges()).boxed().toList(),
                null,
                reference,
                wrapped(window.features().get(j))));
      }
      report.setFeatures(features);
      report.setDriftStatus(String.valueOf(drift.report().status()));
      report.setPrediction(
          service.regression()
              ? bins(
                  Arrays.stream(service.predictionEdges()).boxed().toList(),
                  null,
                  drift.predictionReference(),
                  window.predictions())
              : bins(null, service.labels(), drift.predictionReference(), window.predictions()));
    }
    return report;
  }

  /**
   * The package's reference object: bin edges, labels and reference fractions of every feature and
   * of the predictions, without counts. Empty while no model with monitoring is loaded.
   */
  public static java.util.Optional<RuntimeReportSpec> reference(ModelRuntime runtime) {
    InferenceService service = runtime.serviceOrNull();
    if (service == null
        || service.driftMonitor() == null
        || service.model().packageSha256() == null) {
      return java.util.Optional.empty();
    }
    RuntimeReportSpec full = of(runtime);
    RuntimeReportSpec reference = new RuntimeReportSpec();
    reference.setVersion(full.getVersion());
    reference.setPackageSha256(full.getPackageSha256());
    reference.setAccuracyBaseline(full.getAccuracyBaseline());
    var features = new LinkedHashMap<String, BinnedCounts>();
    full.getFeatures().forEach((name, bins) -> features.put(name, withoutCounts(bins)));
    reference.setFeatures(features);
    reference.setPrediction(withoutCounts(full.getPrediction()));
    return java.util.Optional.of(reference);
  }

  /**
   * What a pod's own report carries: counts only, feature counts as lists in the reference object's
   * feature order; the bins' shape and the feature names are in the reference object.
   */
  public static RuntimeReportSpec countsOnly(RuntimeReportSpec full) {
    if (full.getFeatures() != null) {
      var counts = new java.util.ArrayList<List<Long>>(full.getFeatures().size());
      full.getFeatures().forEach((name, bins) -> counts.add(bins.getCounts()));
      full.setFeatures(null);
      full.setFeatureCounts(counts);
    }
    if (full.getPrediction() != null) {
      full.setPrediction(onlyCounts(full.getPrediction()));
    }
    return full;
  }

  private static Histogram wrapped(Histogram cumulative) {
    long[] counts = cumulative.counts();
    for (int i = 0; i < counts.length; i++) {
      counts[i] %= RuntimeReportSpec.FEATURE_COUNT_MODULUS;
    }
    return Histogram.of(counts);
  }

  private static BinnedCounts withoutCounts(BinnedCounts bins) {
    BinnedCounts copy = new BinnedCounts();
    copy.setEdges(bins.getEdges());
    copy.setLabels(bins.getLabels());
    copy.setReference(bins.getReference());
    return copy;
  }

  private static BinnedCounts onlyCounts(BinnedCounts bins) {
    BinnedCounts copy = new BinnedCounts();
    copy.setCounts(bins.getCounts());
    return copy;
  }

  private static BinnedCounts bins(
      List<Double> edges, List<String> labels, ReferenceBins reference, Histogram observed) {
    BinnedCounts bins = new BinnedCounts();
    bins.setEdges(edges);
    bins.setLabels(labels);
    bins.setReference(Arrays.stream(reference.fractions()).boxed().toList());
    bins.setCounts(Arrays.stream(observed.counts()).boxed().toList());
    return bins;
  }
}
