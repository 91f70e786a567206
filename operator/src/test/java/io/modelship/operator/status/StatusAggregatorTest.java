package io.modelship.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.modelship.api.v1alpha1.ModelDeployment;
import io.modelship.api.v1alpha1.spec.AccuracySpec;
import io.modelship.api.v1alpha1.spec.DriftSpec;
import io.modelship.api.v1alpha1.spec.MonitoringSpec;
import io.modelship.api.v1alpha1.status.DriftLevel;
import io.modelship.api.v1alpha1.status.ModelDeploymentStatus;
import io.modelship.api.v1alpha1.status.Phase;
import io.modelship.drift.DriftThresholds;
import io.modelship.operator.dependent.EffectiveMonitoring;
import io.modelship.operator.harness.Manifests;
import io.modelship.operator.harness.Reports;
import io.modelship.operator.problem.Problem;
import io.modelship.operator.reconcile.TransitionEvents;
import io.modelship.operator.reports.ReportAggregation;
import io.modelship.operator.rollout.plan.RollingUpdatePlanner;
import io.modelship.operator.rollout.plan.RolloutInputs;
import io.modelship.operator.rollout.traffic.VersionObservation;
import io.modelship.operator.settings.OperatorSettings;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StatusAggregatorTest {

  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  static final Instant T1 = T0.plusSeconds(60);

  /** Verdicts from the first sample: most tests here are about the verdicts themselves. */
  static ModelDeployment md() {
    var md = withDefaultMinSamples();
    var monitoring = new MonitoringSpec();
    monitoring.setDrift(new DriftSpec());
    monitoring.getDrift().setMinSamples(1);
    monitoring.setAccuracy(new AccuracySpec());
    monitoring.getAccuracy().setMinSamples(1);
    md.getSpec().setMonitoring(monitoring);
    return md;
  }

  static ModelDeployment withDefaultMinSamples() {
    var md = Manifests.iris("ml", "iris", "1.0.0");
    md.getMetadata().setGeneration(4L);
    return md;
  }

  static Deployment deployment(int replicas, int ready) {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName("iris-1-0-0")
        .addToLabels(io.modelship.operator.dependent.ServingNames.LABEL_VERSION, "1.0.0")
        .endMetadata()
        .withNewStatus()
        .withReplicas(replicas)
        .withReadyReplicas(ready)
        .endStatus()
        .build();
  }

  static Observation healthy(
      ModelDeployment md,
      Instant now,
      Map<String, io.modelship.api.v1alpha1.report.RuntimeReportSpec> reports) {
    var monitoring = EffectiveMonitoring.of(md.getSpec(), OperatorSettings.defaults());
    var plan =
        new RollingUpdatePlanner()
            .plan(
                new RolloutInputs(
                    "1.0.0",
                    2,
                    false,
                    md.getStatus() == null ? null : md.getStatus().getStableVersion(),
                    Map.of("1.0.0", new VersionObservation("1.0.0", 2, 2, 2))));
    return new Observation(
        md,
        now,
        monitoring,
        Optional.empty(),
        Optional.of(plan),
        List.of(deployment(2, 2)),
        Optional.empty(),
        ReportAggregation.byVersion(reports, new DriftThresholds(0.1, 0.25)));
  }

  static Condition condition(ModelDeploymentStatus status, String type) {
    return Conditions.find(status.getConditions(), type).orElseThrow();
  }

  @Test
  void healthyStatusHasEveryField() {
    var status =
        StatusAggregator.assemble(
            healthy(md(), T0, Map.of("p", Reports.report("1.0.0", 10, 1, 30, 40, 30, T0))));
    assertThat(status.getObservedGeneration()).isEqualTo(4);
    assertThat(status.getPhase()).isEqualTo(Phase.Healthy);
    assertThat(status.getStableVersion()).isEqualTo("1.0.0");
    assertThat(status.getReplicas()).isEqualTo(2);
    assertThat(status.getReadyReplicas()).isEqualTo(2);
    assertThat(status.getUrl()).isEqualTo("http://iris.ml.svc.cluster.local");
    assertThat(status.getConditions())
        .extracting(Condition::getType)
        .containsExactly("Ready", "Progressing", "ModelLoaded", "Drifted");
    assertThat(status.getConditions())
        .allSatisfy(
            c -> {
              assertThat(c.getObservedGeneration()).isEqualTo(4);
              assertThat(c.getLastTransitionTime()).isEqualTo("2026-01-01T00:00:00Z");
            });
    assertThat(condition(status, "Ready").getStatus()).isEqualTo("True");
    assertThat(condition(status, "ModelLoaded").getStatus()).isEqualTo("True");
    assertThat(condition(status, "Ready").getMessage())
        .isEqualTo("Version 1.0.0 serves with 2 ready pods");
    assertThat(condition(status, "ModelLoaded").getMessage())
        .as("one pod reports")
        .isEqualTo("1 pod loaded version 1.0.0");
    // Features match the reference exactly; predictions are 70/30 against 50/50:
    // PSI = 0.2 ln(1.4) + 0.2 ln(5/3) = 0.1694596, stored to six decimals.
    assertThat(status.getDrift().getFeatures())
        .containsExactly(Map.entry("petal_length", 0.0), Map.entry("sepal_width", 0.0));
    assertThat(status.getDrift().getPrediction()).isEqualTo(0.16946);
    assertThat(status.getDrift().getScore()).isEqualTo(0.16946);
    assertThat(status.getDrift().getStatus()).isEqualTo(DriftLevel.Warning);
    assertThat(status.getAccuracy().getCurrent()).isEqualTo(0.7);
    assertThat(status.getAccuracy().getDrop()).isEqualTo(0.25);
    assertThat(status.getAccuracy().getStatus()).isEqualTo(DriftLevel.Alert);
    // 0.95 at training, 0.70 live: a drop beyond maxDrop 0.05 counts as drift.
    assertThat(condition(status, "Drifted").getStatus()).isEqualTo("True");
    assertThat(condition(status, "Drifted").getReason()).isEqualTo("AccuracyDrop");
    assertThat(status.getHistory())
        .singleElement()
        .satisfies(h -> assertThat(h.getVersion()).isEqualTo("1.0.0"));
  }

  @Test
  void belowMinSamplesDriftAndAccuracyAreInsufficientDataWithoutAnAlarm() {
    var md = withDefaultMinSamples();
    md.setStatus(StatusAggregator.assemble(healthy(md, T0, Map.of())));
    // The same traffic that alerts in transitionTimeMovesOnlyWhenTheStatusChanges, 100 samples:
    // fewer than the default minimum.
    var drifting = Reports.report("1.0.0", 10, 0, 100, 0, 0, T1);
    drifting.setAccuracyBaseline(0.98);
    var status = StatusAggregator.assemble(healthy(md, T1, Map.of("p", drifting)));
    assertThat(status.getDrift().getStatus()).isEqualTo(DriftLevel.InsufficientData);
    assertThat(status.getDrift().getMinSamples())
        .isEqualTo(DriftThresholds.DEFAULT_DRIFT_MIN_SAMPLES);
    assertThat(condition(status, "Drifted").getStatus()).isEqualTo("Unknown");
    assertThat(condition(status, "Drifted").getReason()).isEqualTo("InsufficientData");
    assertThat(condition(status, "Drifted").getMessage())
        .contains(String.valueOf(DriftThresholds.DEFAULT_DRIFT_MIN_SAMPLES));
    assertThat(TransitionEvents.between(md, md.getStatus(), status))
        .as("no Event, so no alert metric")
        .isEmpty();
  }

  @Test
  void accuracyBelowItsMinSamplesIsInsufficientData() {
    var md = withDefaultMinSamples();
    var monitoring = EffectiveMonitoring.of(md.getSpec(), OperatorSettings.defaults());
    var report = Reports.report("1.0.0", 0, 0, 10, 40, 30, T0);
    report.setAccuracyBaseline(0.95);
    var aggregate =
        ReportAggregation.byVersion(Map.of("p", report), new DriftThresholds(0.1, 0.25))
            .get("1.0.0");
    var accuracy = StatusAggregator.accuracy(aggregate, monitoring).orElseThrow();
    assertThat(accuracy.getStatus()).isEqualTo(DriftLevel.InsufficientData);
    assertThat(accuracy.getMinSamples()).isEqualTo(DriftThresholds.DEFAULT_ACCURACY_MIN_SAMPLES);
  }

  @Test
  void printedColumnsAreNeverEmpty() {
    var md = withDefaultMinSamples();
    md.getSpec().getModel().setName(null);
    var status = StatusAggregator.assemble(healthy(md, T0, Map.of()));
    assertThat(status.getModelName()).as("MODEL defaults to metadata.name").isEqualTo("iris");
    assertThat(status.getStrategy())
        .isEqualTo(io.modelship.api.v1alpha1.spec.RolloutStrategy.RollingUpdate);
    assertThat(status.getTrafficWeight()).isEqualTo(100);
    assertThat(status.getDrift().getStatus()).isEqualTo(DriftLevel.InsufficientData);
    assertThat(status.getDrift().getSamples()).isZero();
    assertThat(condition(status, "Drifted").getReason()).isEqualTo("AwaitingReports");
  }

  @Test
  void plainHttpWithoutSha256IsAWarningWithTheSecretsRedacted() {
    var md = withDefaultMinSamples();
    md.getSpec().getModel().setUri("http://user:pw@models.internal/iris.tgz?sig=abc");
    md.getSpec().getModel().setSha256(null);
    var status = StatusAggregator.assemble(healthy(md, T0, Map.of()));
    var warning = condition(status, "UnverifiedModel");
    assertThat(warning.getStatus()).isEqualTo("True");
    assertThat(warning.getReason()).isEqualTo("PlainHttpWithoutSha256");
    assertThat(warning.getMessage())
        .contains("http://REDACTED@models.internal/iris.tgz?REDACTED")
        .doesNotContain("pw")
        .doesNotContain("sig=abc");
    assertThat(TransitionEvents.between(md, null, status))
        .filteredOn(e -> e.reason().equals("PlainHttpWithoutSha256"))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.type()).isEqualTo("Warning");
              assertThat(e.message()).doesNotContain("pw");
            });

    md.getSpec().getModel().setSha256(Manifests.SHA);
    assertThat(StatusAggregator.assemble(healthy(md, T0, Map.of())).getConditions())
        .extracting(Condition::getType)
        .doesNotContain("UnverifiedModel");
  }

  @Test
  void aLoadErrorNamingASignedUrlKeepsTheSignatureOut() {
    var md = withDefaultMinSamples();
    var report = Reports.report("1.0.0", 0, 0, 0, 0, 0, T0);
    report.setLoadError(
        "GET https://bucket.example.com/iris.tgz?X-Amz-Signature=deadbeef answered 403");
    report.setModelLoaded(false);
    report.setPrediction(null);
    report.setFeatures(null);
    var status = StatusAggregator.assemble(healthy(md, T0, Map.of("p", report)));
    assertThat(status.getConditions())
        .allSatisfy(c -> assertThat(c.getMessage()).doesNotContain("deadbeef"));
    assertThat(condition(status, "Ready").getMessage())
        .contains("https://bucket.example.com/iris.tgz?REDACTED");
  }

  @Test
  void scaledToZeroIsNotReady() {
    var md = md();
    md.getSpec().setReplicas(0);
    var monitoring = EffectiveMonitoring.of(md.getSpec(), OperatorSettings.defaults());
    var plan =
        new RollingUpdatePlanner()
            .plan(
                new RolloutInputs(
                    "1.0.0",
                    0,
                    false,
                    null,
                    Map.of("1.0.0", new VersionObservation("1.0.0", 0, 0, 0))));
    var status =
        StatusAggregator.assemble(
            new Observation(
                md,
                T0,
                monitoring,
                Optional.empty(),
                Optional.of(plan),
                List.of(deployment(0, 0)),
                Optional.empty(),
                Map.of()));
    assertThat(condition(status, "Ready").getStatus()).isEqualTo("False");
    assertThat(condition(status, "Ready").getReason()).isEqualTo("ScaledToZero");
  }

  @Test
  void transitionTimeMovesOnlyWhenTheStatusChanges() {
    var md = md();
    md.setStatus(StatusAggregator.assemble(healthy(md, T0, Map.of())));
    var same = StatusAggregator.assemble(healthy(md, T1, Map.of()));
    assertThat(condition(same, "Ready").getLastTransitionTime()).isEqualTo("2026-01-01T00:00:00Z");
    assertThat(TransitionEvents.between(md, md.getStatus(), same)).isEmpty();

    var drifting = Reports.report("1.0.0", 10, 0, 100, 0, 0, T1);
    var alert = StatusAggregator.assemble(healthy(md, T1, Map.of("p", drifting)));
    assertThat(condition(alert, "Drifted").getStatus()).isEqualTo("True");
    assertThat(condition(alert, "Drifted").getReason()).isEqualTo("DriftAlert");
    assertThat(condition(alert, "Drifted").getLastTransitionTime())
        .isEqualTo("2026-01-01T00:01:00Z");
    assertThat(condition(alert, "Ready").getLastTransitionTime()).isEqualTo("2026-01-01T00:00:00Z");
    assertThat(TransitionEvents.between(md, md.getStatus(), alert))
        .extracting(TransitionEvents.Transition::reason)
        .containsExactly("DriftDetected");
  }

  @Test
  void specProblemFailsAndKeepsTheLastStableVersion() {
    var md = md();
    md.setStatus(StatusAggregator.assemble(healthy(md, T0, Map.of())));
    var monitoring = EffectiveMonitoring.of(md.getSpec(), OperatorSettings.defaults());
    var status =
        StatusAggregator.assemble(
            new Observation(
                md,
                T1,
                monitoring,
                Optional.of(new Problem("UnsupportedModelUri", "scheme 's3' is not supported")),
                Optional.empty(),
                List.of(deployment(2, 2)),
                Optional.empty(),
                Map.of()));
    assertThat(status.getPhase()).isEqualTo(Phase.Failed);
    assertThat(status.getStableVersion()).isEqualTo("1.0.0");
    assertThat(condition(status, "Ready").getReason()).isEqualTo("UnsupportedModelUri");
    assertThat(condition(status, "Progressing").getStatus()).isEqualTo("False");
    assertThat(TransitionEvents.between(md, md.getStatus(), status))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.type()).isEqualTo("Warning");
              assertThat(e.reason()).isEqualTo("UnsupportedModelUri");
            });
  }

  @Test
  void accuracyAlertsOnAChangeEitherWay() {
    var md = md();
    var monitoring = EffectiveMonitoring.of(md.getSpec(), OperatorSettings.defaults());
    var report = Reports.report("1.0.0", 0, 0, 10, 10, 0, T0);
    report.setAccuracyBaseline(0.90);
    var aggregate =
        ReportAggregation.byVersion(Map.of("p", report), new DriftThresholds(0.1, 0.25))
            .get("1.0.0");
    var accuracy = StatusAggregator.accuracy(aggregate, monitoring).orElseThrow();
    assertThat(accuracy.getCurrent()).isEqualTo(1.0);
    assertThat(accuracy.getDrop()).isEqualTo(-0.1);
    assertThat(accuracy.getStatus()).isEqualTo(DriftLevel.Alert);
    report.setAccuracyBaseline(0.97);
    aggregate =
        ReportAggregation.byVersion(Map.of("p", report), new DriftThresholds(0.1, 0.25))
            .get("1.0.0");
    assertThat(StatusAggregator.accuracy(aggregate, monitoring).orElseThrow().getStatus())
        .isEqualTo(DriftLevel.Normal);
  }

  @Test
  void loadErrorDegrades() {
    var report = Reports.report("1.0.0", 0, 0, 0, 0, 0, T0);
    report.setLoadError("cannot read model.bin");
    report.setModelLoaded(false);
    report.setPrediction(null);
    var status = StatusAggregator.assemble(healthy(md(), T0, Map.of("p", report)));
    assertThat(status.getPhase()).isEqualTo(Phase.Degraded);
    assertThat(condition(status, "Ready").getReason()).isEqualTo("ModelLoadFailed");
    assertThat(condition(status, "ModelLoaded").getMessage()).isEqualTo("p: cannot read model.bin");
  }
}
