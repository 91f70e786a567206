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
    assertThat(patch).isEqualTo("{\"status\":{\"drift\":{\"features\":{\"b\":null}},\"canaryVersion\":null}}");
  }

  @Test
  void figuresAloneAreToldApartFromWhatChangesState() {
    assertThat(StatusPatch.touchesOnly("{\"status\":{\"drift\":{\"score\":0.2}}}", Set.of("drift", "accuracy"))).isTrue();
    assertThat(StatusPatch.touchesOnly("{\"status\":{\"drift\":{\"score\":0.2},\"conditions\":[]}}", Set.of("drift", "accuracy"))).isFalse();
    assertThat(StatusPatch.touchesOnly("{\"status\":{\"phase\":\"Healthy\"}}", Set.of("drift", "accuracy"))).isFalse();
  }

  @Test
  void firstStatusIsWrittenWhole() {
    var patch = StatusPatch.between(null, status(Phase.Pending, null), JSON).orElseThrow();
    assertThat(patch).isEqualTo("{\"status\":{\"observedGeneration\":3,\"phase\":\"Pending\"}}");
  }
}
