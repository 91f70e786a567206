package io.modelship.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.modelship.operator.dependent.ServingNames;
import io.modelship.operator.rollout.traffic.ReplicaRatioRouter;
import io.modelship.operator.rollout.traffic.TrafficRouter;
import io.modelship.operator.rollout.traffic.VersionObservation;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ObserveTest {

  /** A version's Deployment: generation and the status the Deployment controller last wrote. */
  static Deployment deployment(
      String version, int specReplicas, long generation, long observedGeneration, int ready) {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName("iris-" + version)
        .withGeneration(generation)
        .withLabels(Map.of(ServingNames.LABEL_VERSION, version))
        .endMetadata()
        .withNewSpec()
        .withReplicas(specReplicas)
        .endSpec()
        .withNewStatus()
        .withObservedGeneration(observedGeneration)
        .withReplicas(ready)
        .withReadyReplicas(ready)
        .withUpdatedReplicas(ready)
        .endStatus()
        .build();
  }

  @Test
  void hpaRescaleOfTheStableSideKeepsTheActualWeightOfTheReadyPods() {
    // Canary at 25 % beside an autoscaled stable side of 3 ready pods; the HPA has just asked for
    // 5: generation 8, the Deployment controller's status still from generation 7.
    VersionObservation stable = ModelDeploymentReconciler.observe(deployment("v1", 5, 8, 7, 3));
    VersionObservation canary = ModelDeploymentReconciler.observe(deployment("v2", 1, 2, 2, 1));

    int weight = new ReplicaRatioRouter().actualWeight(stable, canary, Optional.empty(), "v2");

    assertThat(weight).isEqualTo(25);
    assertThat(stable.readyReplicas()).isEqualTo(3);
  }

  @Test
  void rescaleOfTheCanarySideKeepsItsPodsInTheActualWeight() {
    // The operator raises the canary from 1 to 2 pods: its status is one generation behind.
    VersionObservation stable = ModelDeploymentReconciler.observe(deployment("v1", 3, 4, 4, 3));
    VersionObservation canary = ModelDeploymentReconciler.observe(deployment("v2", 2, 3, 2, 1));

    assertThat(new ReplicaRatioRouter().actualWeight(stable, canary, Optional.empty(), "v2"))
        .isEqualTo(25);
  }

  @Test
  void aStatusBehindTheSpecDoesNotCountThePodsAsRolledOut() {
    // A new pod template (or any spec change) not yet observed: the ready pods may run the old
    // template, so the Deployment is not ready at its size until the status catches up.
    VersionObservation behind = ModelDeploymentReconciler.observe(deployment("v2", 3, 6, 5, 3));
    VersionObservation caughtUp = ModelDeploymentReconciler.observe(deployment("v2", 3, 6, 6, 3));

    assertThat(behind.updatedReplicas()).isZero();
    assertThat(TrafficRouter.podsReady(behind, 3)).isFalse();
    assertThat(TrafficRouter.podsReady(caughtUp, 3)).isTrue();
  }
}
