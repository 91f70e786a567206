package io.modelship.operator.harness;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.modelship.api.v1alpha1.ModelDeployment;
import io.modelship.api.v1alpha1.ModelPackageReference;
import io.modelship.api.v1alpha1.RuntimeReport;
import io.modelship.api.v1alpha1.report.BinnedCounts;
import io.modelship.api.v1alpha1.report.RuntimeReportSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Reports of a wide model as its pods write them: one reference object per package (edges and
 * reference fractions of every feature) and, per pod, counts only.
 */
public final class WideReports {

  public static final int BINS = 10; // the runtime's ReferenceProfile.REFERENCE_BINS
  public static final String SHA256 =
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  public static final List<String> LABELS = List.of("approve", "review", "decline");

  private WideReports() {}

  public static String feature(int f) {
    return "customer_feature_" + String.format("%03d", f);
  }

  /**
   * The package's reference (a ModelPackageReference), owned by the ModelDeployment, as the first
   * pod creates it.
   */
  public static void writeReference(
      KubernetesClient client, ModelDeployment md, String version, int features) {
    var spec = new RuntimeReportSpec();
    spec.setVersion(version);
    spec.setPackageSha256(SHA256);
    spec.setAccuracyBaseline(0.95);
    var random = new Random(features);
    var bins = new LinkedHashMap<String, BinnedCounts>();
    for (int f = 0; f < features; f++) {
      var edges = new ArrayList<Double>();
      double edge = random.nextGaussian();
      for (int i = 0; i < BINS - 1; i++) {
        edge += random.nextDouble();
        edges.add(edge);
      }
      bins.put(feature(f), Reports.bins(edges, null, Collections.nCopies(BINS, 1.0 / BINS), null));
    }
    spec.setFeatures(bins);
    spec.setPrediction(Reports.bins(List.of(), LABELS, List.of(0.5, 0.3, 0.2), null));
    var object = new ModelPackageReference();
    String name = md.getMetadata().getName();
    object.setMetadata(
        new ObjectMetaBuilder()
            .withName(ModelPackageReference.name(name, SHA256))
            .withNamespace(md.getMetadata().getNamespace())
            .withLabels(
                Map.of(RuntimeReport.LABEL_DEPLOYMENT, name, RuntimeReport.LABEL_VERSION, version))
            .withOwnerReferences(
                new OwnerReferenceBuilder()
                    .withApiVersion(md.getApiVersion())
                    .withKind(md.getKind())
                    .withName(name)
                    .withUid(md.getMetadata().getUid())
                    .build())
            .withAnnotations(
                Map.of(
                    io.modelship.api.v1alpha1.report.ReportSignature.ANNOTATION,
                    io.modelship.api.v1alpha1.report.ReportSignature.sign(
                        OperatorHarness.KEYS.reportKey(md),
                        md.getMetadata().getNamespace(),
                        name,
                        ModelPackageReference.name(name, SHA256),
                        spec)))
            .build());
    object.setSpec(spec);
    client
        .resources(ModelPackageReference.class)
        .inNamespace(md.getMetadata().getNamespace())
        .resource(object)
        .create();
  }

  /**
   * One pod's counts-only report: every feature's bins count {@code rowsPerBin} rows each, so the
   * merged window is easy to check.
   */
  public static RuntimeReportSpec counts(
      String version, int features, long rowsPerBin, long requests, Instant time) {
    var report = new RuntimeReportSpec();
    report.setVersion(version);
    report.setPackageSha256(SHA256);
    report.setReady(true);
    report.setModelLoaded(true);
    report.setRequestCount(requests);
    report.setErrorCount(requests / 100);
    report.setLatencyP50Ms(1.2345678901234);
    report.setLatencyP99Ms(12.345678901234);
    long rows = rowsPerBin * BINS;
    report.setAccuracyLabelled(rows);
    report.setAccuracyCorrect(rows * 95 / 100);
    report.setDriftStatus("Normal");
    report.setReportTime(time.toString());
    report.setFeedbackCount(rows);
    report.setFeedbackCorrect(rows * 95 / 100);
    // As the runtime sends them: one list per feature in the reference's order, no names.
    report.setFeatureCounts(Collections.nCopies(features, Collections.nCopies(BINS, rowsPerBin)));
    report.setPrediction(
        Reports.bins(
            null, null, null, List.of(rows / 2, rows * 3 / 10, rows - rows / 2 - rows * 3 / 10)));
    return report;
  }
}
