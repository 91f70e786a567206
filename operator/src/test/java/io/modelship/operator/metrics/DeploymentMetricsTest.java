package io.modelship.operator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.modelship.api.testing.Promtool;
import io.modelship.api.v1alpha1.ModelDeployment;
import io.modelship.api.v1alpha1.status.AnalysisMetric;
import io.modelship.api.v1alpha1.status.AnalysisStatus;
import io.modelship.api.v1alpha1.status.Measurement;
import io.modelship.api.v1alpha1.status.ModelDeploymentStatus;
import io.modelship.api.v1alpha1.status.Phase;
import io.modelship.api.v1alpha1.status.RolloutStatus;
import io.modelship.api.v1alpha1.status.Verdict;
import io.modelship.operator.dependent.ServingNames;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeploymentMetricsTest {

  final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  final OperatorMetrics operator = new OperatorMetrics(registry);
  final DeploymentMetrics metrics = operator.deployments();
  final ModelDeployment iris = md("ml", "iris");

  static ModelDeployment md(String namespace, String name) {
    var md = new ModelDeployment();
    md.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
    return md;
  }

  static Deployment serving(String version, int replicas, int ready) {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName("iris-" + version)
        .withLabels(Map.of(ServingNames.LABEL_VERSION, version))
        .endMetadata()
        .withNewStatus()
        .withReplicas(replicas)
        .withReadyReplicas(ready)
        .endStatus()
        .build();
  }

  static ModelDeploymentStatus canary(
      int desired, int actual, int step, Measurement... measurements) {
    var status = new ModelDeploymentStatus();
    status.setPhase(Phase.Progressing);
    status.setStableVersion("1.0.0");
    status.setCanaryVersion("2.0.0");
    status.setCurrentStep(step);
    var rollout = new RolloutStatus();
    rollout.setDesiredWeight(desired);
    rollout.setActualWeight(actual);
    var analysis = new AnalysisStatus();
    analysis.setMeasurements(new ArrayList<>(List.of(measurements)));
    rollout.setAnalysis(analysis);
    status.setRollout(rollout);
    return status;
  }

  static Measurement measured(AnalysisMetric metric, Verdict verdict, String time) {
    var m = new Measurement();
    m.setMetric(metric);
    m.setVerdict(verdict);
    m.setTime(time);
    return m;
  }

  String scrape() {
    return registry.scrape();
  }

  @Test
  void aCanaryShowsItsPhaseVersionsWeightsStepAndReplicasPerVersion() {
    metrics.observe(
        iris, canary(10, 0, 0), List.of(serving("1.0.0", 3, 3), serving("2.0.0", 1, 0)));
    metrics.observe(
        iris, canary(10, 10, 1), List.of(serving("1.0.0", 3, 3), serving("2.0.0", 1, 1)));

    assertThat(scrape())
        .contains(
            "modelship_modeldeployment_phase{name=\"iris\",namespace=\"ml\",phase=\"Progressing\"} 1.0")
        .contains(
            "modelship_modeldeployment_phase{name=\"iris\",namespace=\"ml\",phase=\"Healthy\"} 0.0")
        .containsPattern(
            "modelship_modeldeployment_info\\{canary_version=\"2.0.0\",model=\"iris\",name=\"iris\",namespace=\"ml\","
                + "stable_version=\"1.0.0\",strategy=\"RollingUpdate\"} 1(\\.0)?\n")
        .contains(
            "modelship_modeldeployment_desired_weight_percent{name=\"iris\",namespace=\"ml\"} 10.0")
        .contains(
            "modelship_modeldeployment_actual_weight_percent{name=\"iris\",namespace=\"ml\"} 10.0")
        .contains("modelship_modeldeployment_current_step{name=\"iris\",namespace=\"ml\"} 1.0")
        .contains(
            "modelship_modeldeployment_replicas{name=\"iris\",namespace=\"ml\",version=\"2.0.0\"} 1.0")
        .contains(
            "modelship_modeldeployment_ready_replicas{name=\"iris\",namespace=\"ml\",version=\"2.0.0\"} 1.0")
        .contains(
            "modelship_modeldeployment_ready_replicas{name=\"iris\",namespace=\"ml\",version=\"1.0.0\"} 3.0");
  }

  @Test
  void promotionReplacesTheInfoSeriesAndDropsTheOldVersionsReplicas() {
    metrics.observe(
        iris, canary(50, 50, 2), List.of(serving("1.0.0", 3, 3), serving("2.0.0", 2, 2)));
    var promoted = new ModelDeploymentStatus();
    promoted.setPhase(Phase.Healthy);
    promoted.setStableVersion("2.0.0");
    metrics.observe(iris, promoted, List.of(serving("2.0.0", 3, 3)));

    String scrape = scrape();
    assertThat(scrape)
        .contains(
            "canary_version=\"\",model=\"iris\",name=\"iris\",namespace=\"ml\",stable_version=\"2.0.0\"")
        .doesNotContain("stable_version=\"1.0.0\"")
        .doesNotContain("version=\"1.0.0\"}")
        .contains(
            "modelship_modeldeployment_phase{name=\"iris\",namespace=\"ml\",phase=\"Healthy\"} 1.0");
  }

  @Test
  void eachNewMeasurementCountsOnceByMetricAndResultAndEveryPairStartsAtZero() {
    var first = measured(AnalysisMetric.errorRate, Verdict.Pass, "2026-01-01T00:00:30Z");
    metrics.observe(iris, canary(10, 10, 1), List.of());
    metrics.observe(iris, canary(10, 10, 1, first), List.of());
    metrics.observe(iris, canary(10, 10, 1, first), List.of());
    metrics.observe(
        iris,
        canary(
            10,
            10,
            1,
            first,
            measured(AnalysisMetric.latencyP99Ms, Verdict.Fail, "2026-01-01T00:01:00Z")),
        List.of());
    metrics.observe(
        iris,
        canary(10, 10, 1, measured(AnalysisMetric.errorRate, Verdict.Pass, "2026-01-01T00:01:00Z")),
        List.of());

    assertThat(scrape())
        .contains(
            "modelship_analysis_verdicts_total{metric=\"errorRate\",name=\"iris\",namespace=\"ml\",result=\"pass\"} 2.0")
        .contains(
            "modelship_analysis_verdicts_total{metric=\"latencyP99Ms\",name=\"iris\",namespace=\"ml\",result=\"fail\"} 1.0")
        .contains(
            "modelship_analysis_verdicts_total{metric=\"accuracyDrop\",name=\"iris\",namespace=\"ml\",result=\"inconclusive\"} 0.0");
  }

  @Test
  void measurementsAlreadyInTheStatusWhenFirstSeenAreNotCountedAgain() {
    var earlier = measured(AnalysisMetric.errorRate, Verdict.Fail, "2026-01-01T00:00:30Z");
    metrics.observe(iris, canary(10, 10, 1, earlier), List.of());

    assertThat(scrape())
        .contains(
            "modelship_analysis_verdicts_total{metric=\"errorRate\",name=\"iris\",namespace=\"ml\",result=\"fail\"} 0.0");
  }

  @Test
  void aDeletedModelDeploymentLeavesNoSeriesBehind() {
    metrics.observe(iris, canary(10, 10, 1), List.of(serving("2.0.0", 1, 1)));
    metrics.observe(md("ml", "wine"), canary(0, 0, 0), List.of());
    var josdk = new ReconcileMetrics(Metrics.NOOP, metrics, registry);

    josdk.cleanupDoneFor(new ResourceID("iris", "ml"), Map.of());

    assertThat(scrape()).doesNotContain("name=\"iris\"").contains("name=\"wine\"");
  }

  @Test
  void failedReconcilesAreCountedFromZero() throws Exception {
    var josdk = new ReconcileMetrics(Metrics.NOOP, metrics, registry);
    assertThat(scrape()).contains("modelship_operator_reconcile_errors_total 0.0");

    josdk.failedReconciliation(iris, new IllegalStateException("boom"), Map.of());

    assertThat(scrape()).contains("modelship_operator_reconcile_errors_total 1.0");
  }

  @Test
  void promtoolFindsNothingToLintInTheOperatorsSeries() {
    new ReconcileMetrics(Metrics.NOOP, metrics, registry);
    metrics.observe(
        iris,
        canary(10, 10, 1, measured(AnalysisMetric.errorRate, Verdict.Pass, "2026-01-01T00:00:30Z")),
        List.of(serving("1.0.0", 3, 3), serving("2.0.0", 1, 1)));
    operator.reconciled();
    operator.statusWritten();
    // JOSDK's meters come without descriptions; the operator's registry gives them one.
    io.micrometer.core.instrument.Counter.builder("operator.sdk.reconciliations.started")
        .register(registry)
        .increment();
    io.micrometer.core.instrument.Gauge.builder(
            "operator.sdk.reconciliations.queue.size.modeldeployment", () -> 0)
        .register(registry);

    var lint = Promtool.checkMetrics(scrape());
    assertThat(lint.ok()).as(lint.output()).isTrue();
    assertThat(lint.output()).as("promtool check metrics findings").isBlank();
  }
}
