package io.modelship.runtime.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.modelship.api.v1alpha1.RuntimeReport;
import io.modelship.api.v1alpha1.report.BinnedCounts;
import io.modelship.api.v1alpha1.report.RuntimeReportSpec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The contract's budget: a pod's report of a 200-feature model stays under 16 KiB. */
class ReportSizeTest {

  static final int FEATURES = 200;
  static final int BINS = 10; // ReferenceProfile.REFERENCE_BINS
  static final KubernetesSerialization JSON = new KubernetesSerialization();

  /**
   * A full report as the snapshot builds it, every count at its widest: edges, reference and counts
   * since start.
   */
  static RuntimeReportSpec wideReport(long seed) {
    var random = new Random(seed);
    var features = new LinkedHashMap<String, BinnedCounts>();
    for (int f = 0; f < FEATURES; f++) {
      var bins = new BinnedCounts();
      var edges = new ArrayList<Double>();
      double edge = random.nextGaussian();
      for (int i = 0; i < BINS - 1; i++) {
        edge += random.nextDouble();
        edges.add(edge);
      }
      bins.setEdges(edges);
      bins.setReference(java.util.Collections.nCopies(BINS, 1.0 / 3 * 0.3));
      var counts = new ArrayList<Long>();
      for (int i = 0; i < BINS; i++) {
        // Cumulative counts wrap at FEATURE_COUNT_MODULUS: five digits per bin is the worst case.
        counts.add(RuntimeReportSpec.FEATURE_COUNT_MODULUS - 1 - random.nextInt(1000));
      }
      bins.setCounts(counts);
      features.put("customer_feature_" + String.format("%03d", f), bins);
    }
    var report = new RuntimeReportSpec();
    report.setVersion("2026.12.01-rc1");
    report.setReady(true);
    report.setModelLoaded(true);
    report.setRequestCount(Long.MAX_VALUE / 3);
    report.setErrorCount(123_456_789L);
    report.setLatencyP50Ms(1.2345678901234);
    report.setLatencyP99Ms(12.345678901234);
    report.setAccuracyBaseline(0.9512345678);
    report.setAccuracyLabelled(1000L);
    report.setAccuracyCorrect(951L);
    report.setFeedbackCount(Long.MAX_VALUE / 5);
    report.setFeedbackCorrect(Long.MAX_VALUE / 6);
    report.setStartTime("2026-12-01T22:00:00.123Z");
    var latency = new long[io.modelship.api.v1alpha1.report.LatencyBuckets.COUNT];
    java.util.Arrays.fill(latency, Long.MAX_VALUE / 100); // every bucket used, nineteen digits each
    report.setLatencyCounts(io.modelship.api.v1alpha1.report.LatencyBuckets.trimmed(latency));
    report.setPackageSha256("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    report.setDriftStatus("Normal");
    report.setReportTime("2026-12-01T23:00:00.123Z");
    report.setFeatures(features);
    var prediction = new BinnedCounts();
    prediction.setLabels(List.of("a", "b", "c"));
    prediction.setReference(List.of(0.3333333333333333, 0.3333333333333333, 0.3333333333333333));
    prediction.setCounts(List.of(Long.MAX_VALUE / 3, Long.MAX_VALUE / 3, Long.MAX_VALUE / 3));
    report.setPrediction(prediction);
    return report;
  }

  static int bytes(RuntimeReportSpec spec) {
    var object = new RuntimeReport();
    String pod = "fraud-scoring-model-2026-12-01-rc1-7f9c8d6b5-x2x4q";
    object.setMetadata(
        new ObjectMetaBuilder()
            .withName(pod)
            .withNamespace("ml-production")
            .withLabels(
                Map.of(
                    RuntimeReport.LABEL_DEPLOYMENT,
                    "fraud-scoring-model",
                    RuntimeReport.LABEL_VERSION,
                    "2026.12.01-rc1"))
            .withOwnerReferences(
                new OwnerReferenceBuilder()
                    .withApiVersion("v1")
                    .withKind("Pod")
                    .withName(pod)
                    .withUid("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0")
                    .build())
            .build());
    object.setSpec(spec);
    return JSON.asJson(object).getBytes(StandardCharsets.UTF_8).length;
  }

  @Test
  void aPodsReportOfA200FeatureModelIsUnder16KiB() {
    int full = bytes(wideReport(1));
    int sent = bytes(RuntimeReportSnapshot.countsOnly(wideReport(1)));
    System.out.printf(
        "200-feature report: %d bytes with edges and reference, %d bytes as sent%n", full, sent);
    assertThat(full)
        .as("with edges and reference per pod it would not fit")
        .isGreaterThan(16 * 1024);
    assertThat(sent).as("counts only").isLessThan(16 * 1024);
  }
}
