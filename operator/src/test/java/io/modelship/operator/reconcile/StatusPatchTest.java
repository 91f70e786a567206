package io.modelship.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.modelship.api.v1alpha1.status.DriftLevel;
import io.modelship.api.v1alpha1.status.DriftSummary;
import io.modelship.api.v1alpha1.status.ModelDeploymentStatus;
import io.modelship.api.v1alpha1.status.Phase;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StatusPatchTest {

  static final KubernetesSerialization JSON = new KubernetesSerialization();

  static ModelDeploymentStatus status(Phase phase, String stable) {
    var status = new ModelDeploymentStatus();
    status.setPhase(phase);
    status.setStableVersion(stable);
    status.setObservedGeneration(3L);
    return status;
  }

  @Test
  void nothingChangedMeansNoWrite() {
    var current = status(Phase.Healthy, "1");
    assertThat(StatusPatch.between(current, status(Phase.Healthy, "1"), JSON)).isEmpty();
  }

  @Test
  void onlyChangedFieldsAreSent() {
    var current = status(Phase.Progressing, "1");
    var patch = StatusPatch.between(current, status(Phase.Healthy, "1"), JSON).orElseThrow();
    assertThat(patch).isEqualTo("{\"status\":{\"phase\":\"Healthy\"}}");
  }

  @Test
  void removedFieldsAndNestedKeysBecomeNull() {
    var current = status(Phase.Healthy, "1");
    var drift = new DriftSummary();
    drift.setStatus(DriftLevel.Warning);
    var features = new LinkedHashMap<String, Double>();
    features.put("a", 0.1);
    features.put("b", 0.2);
    drift.setFeatures(features);
    current.setDrift(drift);
    current.setCanaryVersion("2");

    var assembled = status(Phase.Healthy, "1");
    var newDrift = new DriftSummary();
    newDrift.setStatus(DriftLevel.Warning);
    newDrift.setFeatures(Map.of("a", 0.1));
    assembled.setDrift(newDrift);

    var patch = StatusPatch.between(current, assembled, JSON).orElseThrow();
    assertThat(patch)
        .isEqualTo("{\"status\":{\"drift\":{\"features\":{\"b\":null}},\"canaryVersion\":null}}");
  }

  static final Set<String> FIGURES = StatusWriteThrottle.FIGURES;

  static ModelDeploymentStatus reporting(long samples, String driftedStatus, String driftedReason) {
    var status = status(Phase.Healthy, "1");
    status.setReadyReplicas(2);
    var drift = new DriftSummary();
    drift.setStatus(DriftLevel.Normal);
    drift.setSamples(samples);
    drift.setScore(samples / 1e6);
    status.setDrift(drift);
    status.setConditions(
        java.util.List.of(
            new io.fabric8.kubernetes.api.model.ConditionBuilder()
                .withType("Ready")
                .withStatus("True")
                .withReason("Serving")
                .withMessage("Version 1 serves with 2 ready pods")
                .withLastTransitionTime("2026-12-01T00:00:00Z")
                .build(),
            new io.fabric8.kubernetes.api.model.ConditionBuilder()
                .withType("Drifted")
                .withStatus(driftedStatus)
                .withReason(driftedReason)
                .withMessage("psi score 0.0001 over " + samples + " samples")
                .withLastTransitionTime("2026-12-01T00:00:00Z")
                .build()));
    return status;
  }

  @Test
  void newSampleCountsInFiguresAndConditionMessagesCanWait() {
    assertThat(
            StatusPatch.reportFiguresOnly(
                reporting(100, "False", "NoDrift"),
                reporting(190, "False", "NoDrift"),
                FIGURES,
                JSON))
        .isTrue();
  }

  @Test
  void aConditionThatFlipsCannotWait() {
    assertThat(
            StatusPatch.reportFiguresOnly(
                reporting(100, "False", "NoDrift"),
                reporting(190, "True", "DriftAlert"),
                FIGURES,
                JSON))
        .isFalse();
    assertThat(
            StatusPatch.reportFiguresOnly(
                reporting(100, "False", "NoDrift"),
                reporting(190, "False", "DriftWarning"),
                FIGURES,
                JSON))
        .isFalse();
  }

  @Test
  void stateOutsideTheFiguresCannotWait() {
    var phase = reporting(190, "False", "NoDrift");
    phase.setPhase(Phase.Degraded);
    var ready = reporting(190, "False", "NoDrift");
    ready.setReadyReplicas(1);
    assertThat(
            StatusPatch.reportFiguresOnly(reporting(100, "False", "NoDrift"), phase, FIGURES, JSON))
        .isFalse();
    assertThat(
            StatusPatch.reportFiguresOnly(reporting(100, "False", "NoDrift"), ready, FIGURES, JSON))
        .isFalse();
    assertThat(StatusPatch.reportFiguresOnly(null, ready, FIGURES, JSON))
        .as("the first status")
        .isFalse();
  }

  @Test
  void firstStatusIsWrittenWhole() {
    var patch = StatusPatch.between(null, status(Phase.Pending, null), JSON).orElseThrow();
    assertThat(patch).isEqualTo("{\"status\":{\"observedGeneration\":3,\"phase\":\"Pending\"}}");
  }
}
