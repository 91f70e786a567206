package io.modelship.kubectl.view;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The fleet view's data: what the page shows for each version, step and measurement. */
class FleetSnapshotTest {

  @SuppressWarnings("unchecked")
  static Map<String, Object> only(Map<String, Object> snapshot) {
    var items = (List<Map<String, Object>>) snapshot.get("items");
    assertThat(items).hasSize(1);
    return items.get(0);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> version(Map<String, Object> item, String version) {
    return ((List<Map<String, Object>>) item.get("versions"))
        .stream().filter(v -> version.equals(v.get("version"))).findFirst().orElseThrow();
  }

  @Test
  void canaryShowsBothVersionsSideBySideFromStatusDeploymentsAndReports() {
    var item =
        only(
            FleetSnapshot.of(
                List.of(Samples.resource("canary-progressing.yaml")),
                Samples.deployments("canary-progressing-deployments.yaml"),
                Samples.items("canary-progressing-reports.yaml"),
                Samples.NOW));

    var stable = version(item, "1.0.0");
    assertThat(stable)
        .containsEntry("role", "stable")
        .containsEntry("weight", 50)
        .containsEntry("desiredReplicas", 4)
        .containsEntry("readyReplicas", 4)
        .containsEntry("requests", 100000L)
        .containsEntry("errors", 100L)
        .containsEntry("errorRate", 0.001)
        .containsEntry("p99Ms", 4.4) // the slowest pod's recent window
        .containsEntry("drift", 0.08)
        .containsEntry("driftStatus", "Normal");
    // status.accuracy is absent in the sample, so the pods' rolling windows give it: 756 of 800
    assertThat(stable)
        .containsEntry("accuracy", 756 / 800.0)
        .containsEntry("accuracySource", "reports");

    var canary = version(item, "2.0.0");
    assertThat(canary)
        .containsEntry("role", "canary")
        .containsEntry("weight", 50)
        .containsEntry("requests", 2000L)
        .containsEntry("errorRate", 0.002)
        .containsEntry("p99Ms", 5.2)
        .containsEntry("accuracy", 0.96)
        .containsEntry("drift", 0.041)
        .containsEntry("driftSource", "analysis") // the latest driftScore judgement
        .containsEntry("podDriftStatus", "Warning");
  }

  @Test
  @SuppressWarnings("unchecked")
  void stepsMarkDoneCurrentAndPendingAndAnalysisKeepsEveryMeasurementInTimeOrder() {
    var item =
        only(
            FleetSnapshot.of(
                List.of(Samples.resource("canary-progressing.yaml")),
                List.of(),
                List.of(),
                Samples.NOW));

    var states =
        ((List<Map<String, Object>>) item.get("steps")).stream().map(s -> s.get("state")).toList();
    assertThat(states).containsExactly("done", "done", "done", "done", "current", "pending");
    assertThat((Map<String, Object>) item.get("traffic"))
        .containsEntry("desired", 50)
        .containsEntry("actual", 50)
        .containsEntry("mirrorPercent", 100)
        .containsEntry("headerRoute", "x-model-version: 2.0.0");
    var measurements =
        (List<Map<String, Object>>)
            ((Map<String, Object>) item.get("analysis")).get("measurements");
    assertThat(measurements).hasSize(6);
    assertThat(measurements.get(0))
        .containsEntry("metric", "errorRate")
        .containsEntry("verdict", "Inconclusive")
        .containsEntry("time", "2026-12-01T11:58:00Z");
  }

  @Test
  @SuppressWarnings("unchecked")
  void rolledBackCanaryMarksTheFailedStepAndKeepsTheReasonInHistory() {
    var item =
        only(
            FleetSnapshot.of(
                List.of(Samples.resource("canary-rolledback.yaml")),
                List.of(),
                List.of(),
                Samples.NOW));

    assertThat(item).containsEntry("phase", "Degraded");
    assertThat(((List<Map<String, Object>>) item.get("steps")).stream().map(s -> s.get("state")))
        .contains("failed")
        .doesNotContain("current");
    assertThat((List<Map<String, Object>>) item.get("history"))
        .last()
        .isEqualTo(
            Map.of(
                "version",
                "2.0.0",
                "outcome",
                "RolledBack",
                "time",
                "2026-12-01T11:59:00Z",
                "message",
                "p99 82 ms > 50 ms (2 of 2 failed)"));
  }

  @Test
  void aResourceWithoutStatusIsListedAsUnknownWithNoVersions() {
    var item =
        only(
            FleetSnapshot.of(
                List.of(Samples.resource("no-status.yaml")), List.of(), List.of(), Samples.NOW));

    assertThat(item).containsEntry("phase", "Unknown").containsEntry("versions", List.of());
  }

  @Test
  void eachDeploymentCarriesItsRetrainingInOneLine() {
    var snapshot =
        FleetSnapshot.of(
            List.of(
                Samples.resource("retraining-better.yaml"),
                Samples.resource("retraining-running.yaml"),
                Samples.resource("healthy.yaml")),
            List.of(),
            List.of(),
            Samples.NOW);

    @SuppressWarnings("unchecked")
    var items = (List<Map<String, Object>>) snapshot.get("items");
    assertThat(items)
        .extracting(i -> i.get("retraining"))
        .containsExactlyInAnyOrder(
            "candidate 2.0.0-retrain.1 is Better: accuracy 0.953 vs 0.712 on 240 rows — adopt it in Git (kubectl modelship adopt iris -n ml --print)",
            "retraining now (Job iris-retrain-2); latest candidate 1.0.0-retrain.1 NotBetter: accuracy 0.893 vs 0.889 on 380 rows",
            null);
  }
}
