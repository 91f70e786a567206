package io.modelship.runtime.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelship.api.v1alpha1.report.BinnedCounts;
import io.modelship.api.v1alpha1.report.RuntimeReportSpec;
import io.modelship.drift.DriftReport;
import io.modelship.drift.DriftThresholds;
import io.modelship.drift.Histogram;
import io.modelship.drift.ReferenceBins;
import io.modelship.runtime.TestModels;
import io.modelship.runtime.http.ServingApp;
import io.modelship.runtime.inference.InferenceService;
import io.modelship.runtime.server.ServeConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The report a pod writes carries enough to reproduce its own drift score exactly. */
class RuntimeReportSnapshotTest {

  @Test
  void reportedHistogramsScoreToThePodsOwnDrift() {
    ServingApp app =
        new ServingApp(
                ServeConfig.fromEnvironment(
                        Map.of(
                            "MODEL_URI",
                            TestModels.irisDirectory().toString(),
                            "HOST",
                            "127.0.0.1",
                            "PORT",
                            "0"))
                    .validate())
            .startReady();
    try {
      InferenceService service = app.runtime().require();
      service.predict(
          new double[][] {
            {5.1, 3.5, 1.4, 0.2},
            {6.7, 3.0, 5.2, 2.3},
            {5.9, 3.0, 4.2, 1.5},
            {7.7, 2.6, 6.9, 2.3},
            {4.4, 2.9, 1.4, 0.2}
          });
      String id = service.predict(new double[][] {{6.0, 2.2, 5.0, 1.5}})[0].requestId();
      service.feedback(id, "virginica");

      RuntimeReportSpec report = RuntimeReportSnapshot.of(app.runtime());
      assertThat(report.getVersion()).isEqualTo("1.0.0");
      assertThat(report.getReady()).isTrue();
      assertThat(report.getModelLoaded()).isTrue();
      assertThat(report.getLoadError()).isNull();
      assertThat(report.getAccuracyLabelled()).isEqualTo(1);
      assertThat(report.getAccuracyCorrect()).isIn(0L, 1L);
      assertThat(report.getFeedbackCount()).as("cumulative labelled feedback").isEqualTo(1);
      assertThat(report.getFeedbackCorrect()).isEqualTo(report.getAccuracyCorrect());
      assertThat(report.getStartTime())
          .isEqualTo(
              app.runtime()
                  .startedAt()
                  .truncatedTo(java.time.temporal.ChronoUnit.MILLIS)
                  .toString());
      assertThat(report.getAccuracyBaseline())
          .isEqualTo(TestModels.irisManifest().metrics().holdoutAccuracy());
      assertThat(report.getPrediction().getLabels())
          .containsExactly("setosa", "versicolor", "virginica");
      assertThat(report.getPrediction().getCounts().stream().mapToLong(Long::longValue).sum())
          .isEqualTo(6);

      List<String> names = new ArrayList<>(report.getFeatures().keySet());
      List<ReferenceBins> references = new ArrayList<>();
      List<Histogram> observed = new ArrayList<>();
      for (String name : names) {
        BinnedCounts bins = report.getFeatures().get(name);
        references.add(new ReferenceBins(doubles(bins.getEdges()), doubles(bins.getReference())));
        observed.add(Histogram.of(bins.getCounts().stream().mapToLong(Long::longValue).toArray()));
      }
      BinnedCounts p = report.getPrediction();
      DriftReport rescored =
          DriftReport.score(
              names,
              references,
              observed,
              ReferenceBins.ofCategories(doubles(p.getReference())),
              Histogram.of(p.getCounts().stream().mapToLong(Long::longValue).toArray()),
              DriftThresholds.DEFAULT);
      assertThat(rescored.withMinSamples(service.driftMonitor().minSamples()))
          .isEqualTo(service.driftReport());
    } finally {
      app.close();
    }
  }

  @Test
  void aPodWhoseModelFailedReportsWhy() {
    ServingApp app =
        new ServingApp(
                ServeConfig.fromEnvironment(
                        Map.of(
                            "MODEL_URI",
                            "/nowhere/model.tar.gz",
                            "MODEL_VERSION",
                            "3.1.0",
                            "HOST",
                            "127.0.0.1",
                            "PORT",
                            "0"))
                    .validate())
            .startReady();
    try {
      RuntimeReportSpec report = RuntimeReportSnapshot.of(app.runtime());
      assertThat(report.getVersion())
          .as("the operator counts it against this version")
          .isEqualTo("3.1.0");
      assertThat(report.getModelLoaded()).isFalse();
      assertThat(report.getReady()).isFalse();
      assertThat(report.getLoadError()).contains("model package not found: /nowhere/model.tar.gz");
      assertThat(report.getFeatures()).isNull();
    } finally {
      app.close();
    }
  }

  private static double[] doubles(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).toArray();
  }
}
