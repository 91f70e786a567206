package io.modelship.operator.reports;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.modelship.api.v1alpha1.ModelPackageReference;
import io.modelship.api.v1alpha1.RuntimeReport;
import io.modelship.api.v1alpha1.report.BinnedCounts;
import io.modelship.api.v1alpha1.report.RuntimeReportSpec;
import io.modelship.drift.DriftThresholds;
import io.modelship.operator.harness.Reports;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Counts-only reports joined with their package's reference score exactly like full reports. */
class ReportReferencesTest {

  static RuntimeReportSpec countsOnly(RuntimeReportSpec full) {
    var features = new LinkedHashMap<String, BinnedCounts>();
    full.getFeatures()
        .forEach((n, b) -> features.put(n, Reports.bins(null, null, null, b.getCounts())));
    full.setFeatures(features);
    full.setPrediction(Reports.bins(null, null, null, full.getPrediction().getCounts()));
    return full;
  }

  static ModelPackageReference reference(String ownerUid, String sha) {
    var spec = Reports.report("1.0.0", 0, 0, 0, 0, 0, Instant.EPOCH);
    spec.setPackageSha256(sha);
    var object = new ModelPackageReference();
    object.setMetadata(
        new ObjectMetaBuilder()
            .withName(ModelPackageReference.name("iris", sha))
            .withLabels(Map.of(RuntimeReport.LABEL_DEPLOYMENT, "iris"))
            .withOwnerReferences(
                new OwnerReferenceBuilder().withKind("ModelDeployment").withUid(ownerUid).build())
            .build());
    object.setSpec(spec);
    return object;
  }

  @Test
  void countsOnlyReportsScoreAsFullOnesOnceJoinedWithTheirReference() {
    var thresholds = new DriftThresholds(0.1, 0.25);
    Map<String, RuntimeReportSpec> full = new LinkedHashMap<>();
    Map<String, RuntimeReportSpec> sent = new LinkedHashMap<>();
    for (int i = 0; i < 3; i++) {
      var a = Reports.report("1.0.0", 10, 0, 5 + i, 7, 2 * i, Instant.EPOCH);
      var b = Reports.report("1.0.0", 10, 0, 5 + i, 7, 2 * i, Instant.EPOCH);
      a.setPackageSha256("abc");
      b.setPackageSha256("abc");
      full.put("pod-" + i, a);
      sent.put("pod-" + i, countsOnly(b));
    }
    var joined = ReportReferences.attach(sent, List.of(reference("md-uid", "abc")), "md-uid");
    var expected = ReportAggregation.byVersion(full, thresholds).get("1.0.0").drift().orElseThrow();
    assertThat(ReportAggregation.byVersion(joined, thresholds).get("1.0.0").drift())
        .contains(expected);
  }

  @Test
  void aReferenceOfAnotherOwnerOrPackageIsNotUsed() {
    var report = Reports.report("1.0.0", 10, 0, 5, 7, 2, Instant.EPOCH);
    report.setPackageSha256("abc");
    var sent = Map.of("pod-0", countsOnly(report));
    var joined =
        ReportReferences.attach(
            sent,
            List.of(reference("someone-else", "abc"), reference("md-uid", "other")),
            "md-uid");
    assertThat(joined.get("pod-0").getPrediction().getReference()).isNull();
    var aggregate =
        ReportAggregation.byVersion(joined, new DriftThresholds(0.1, 0.25)).get("1.0.0");
    assertThat(aggregate.drift()).as("no reference, no score").isEmpty();
  }
}
