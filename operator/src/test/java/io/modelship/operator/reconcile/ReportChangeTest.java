package io.modelship.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.modelship.api.v1alpha1.RuntimeReport;
import io.modelship.api.v1alpha1.report.RuntimeReportSpec;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class ReportChangeTest {

  static RuntimeReport report(Consumer<RuntimeReportSpec> change) {
    var spec = new RuntimeReportSpec();
    spec.setVersion("1.0.0");
    spec.setReady(true);
    spec.setModelLoaded(true);
    spec.setPackageSha256("aaaa");
    spec.setDriftStatus("Normal");
    spec.setRequestCount(100L);
    spec.setAccuracyLabelled(10L);
    spec.setReportTime("2026-12-02T00:00:00Z");
    change.accept(spec);
    var report = new RuntimeReport();
    report.setMetadata(
        new ObjectMetaBuilder()
            .withName("pod-0")
            .withLabels(
                Map.of(
                    RuntimeReport.LABEL_DEPLOYMENT, "iris", RuntimeReport.LABEL_VERSION, "1.0.0"))
            .build());
    report.setSpec(spec);
    return report;
  }

  static final RuntimeReport BEFORE = report(s -> {});

  @Test
  void newCountsWaitForTheIntervalsReconcile() {
    var later =
        report(
            s -> {
              s.setRequestCount(250L);
              s.setAccuracyLabelled(40L);
              s.setLatencyP99Ms(12.0);
              s.setReportTime("2026-12-02T00:00:15Z");
            });
    assertThat(ReportChange.reconcileAtOnce(later, BEFORE)).isFalse();
  }

  @Test
  void whatCanFlipAConditionIsReconciledAtOnce() {
    assertThat(ReportChange.reconcileAtOnce(report(s -> s.setReady(false)), BEFORE))
        .as("readiness")
        .isTrue();
    assertThat(ReportChange.reconcileAtOnce(report(s -> s.setModelLoaded(false)), BEFORE))
        .as("model loaded")
        .isTrue();
    assertThat(ReportChange.reconcileAtOnce(report(s -> s.setLoadError("sha256 mismatch")), BEFORE))
        .as("load error")
        .isTrue();
    assertThat(ReportChange.reconcileAtOnce(report(s -> s.setDriftStatus("Alert")), BEFORE))
        .as("pod's drift verdict")
        .isTrue();
    assertThat(ReportChange.reconcileAtOnce(report(s -> s.setVersion("2.0.0")), BEFORE))
        .as("version")
        .isTrue();
    assertThat(ReportChange.reconcileAtOnce(report(s -> s.setPackageSha256("bbbb")), BEFORE))
        .as("package")
        .isTrue();
  }

  @Test
  void aChangedOwnerOrLabelIsReconciledAtOnce() {
    var relabelled = report(s -> {});
    relabelled.getMetadata().setLabels(Map.of(RuntimeReport.LABEL_DEPLOYMENT, "other"));
    assertThat(ReportChange.reconcileAtOnce(relabelled, BEFORE)).isTrue();
  }
}
