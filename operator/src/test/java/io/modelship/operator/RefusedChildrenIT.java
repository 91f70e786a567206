package io.modelship.operator;

import static io.modelship.operator.harness.OperatorHarness.condition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.modelship.api.v1alpha1.ModelDeployment;
import io.modelship.api.v1alpha1.status.Phase;
import io.modelship.operator.harness.Manifests;
import io.modelship.operator.harness.OperatorHarness;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A child the API server refuses shows as Ready=False with the server's message, now, with an
 * Event.
 */
class RefusedChildrenIT {

  static OperatorHarness harness;

  @BeforeAll
  static void start() {
    harness = new OperatorHarness(true);
  }

  @AfterAll
  static void stop() {
    harness.close();
  }

  @AfterEach
  void acceptAgain() {
    harness.cluster.accept();
  }

  @Test
  void anInvalidDeploymentIsReportedWithTheApiMessage() {
    String ns = "invalid";
    String message =
        "Deployment.apps \"iris\" is invalid: metadata.labels: Invalid value: \"bad value!\"";
    harness.cluster.refuse("POST", "/namespaces/" + ns + "/deployments", 422, "Invalid", message);
    var created = harness.client().resource(Manifests.iris(ns, "iris", "1.0.0")).create();

    ModelDeployment md =
        harness.awaitStatus(ns, "iris", condition("Ready", "False", "ChildRefused"));
    assertThat(OperatorHarness.conditionOf(md, "Ready").orElseThrow().getMessage())
        .contains(message)
        .contains("422");
    assertThat(md.getStatus().getObservedGeneration())
        .isEqualTo(created.getMetadata().getGeneration());
    assertThat(md.getStatus().getPhase()).isEqualTo(Phase.Degraded);
    awaitEvent(ns, "ChildRefused", message);

    harness.cluster.accept();
    harness.awaitStatus(ns, "iris", condition("Ready", "True", "Serving"));
  }

  @Test
  void anAdmissionDenialOfAnUpdateReplacesAnOldReadyTrue() {
    String ns = "denied";
    harness.client().resource(Manifests.iris(ns, "iris", "1.0.0")).create();
    harness.awaitStatus(ns, "iris", condition("Ready", "True", "Serving"));

    String message =
        "admission webhook \"policy.example.com\" denied the request: replicas above quota";
    harness.cluster.refuse("PUT", "/namespaces/" + ns + "/deployments", 403, "Forbidden", message);
    harness.cluster.refuse(
        "PATCH", "/namespaces/" + ns + "/deployments", 403, "Forbidden", message);
    harness.editSpec(ns, "iris", spec -> spec.setReplicas(5));
    long generation = harness.md(ns, "iris").get().getMetadata().getGeneration();

    ModelDeployment md =
        harness.awaitStatus(ns, "iris", condition("Ready", "False", "ChildRefused"));
    assertThat(OperatorHarness.conditionOf(md, "Ready").orElseThrow().getMessage())
        .contains(message);
    assertThat(OperatorHarness.conditionOf(md, "Ready").orElseThrow().getObservedGeneration())
        .isEqualTo(generation);
    assertThat(md.getStatus().getObservedGeneration()).isEqualTo(generation);
    awaitEvent(ns, "ChildRefused", message);
  }

  @Test
  void aNameTakenBySomeoneElseIsNeitherAdoptedNorSilent() {
    String ns = "taken";
    var foreign =
        new ServiceBuilder()
            .withNewMetadata()
            .withName("iris")
            .withNamespace(ns)
            .addToLabels("team", "web")
            .endMetadata()
            .withNewSpec()
            .addNewPort()
            .withPort(80)
            .endPort()
            .addToSelector("app", "web")
            .endSpec()
            .build();
    harness.client().resource(foreign).create();
    harness.client().resource(Manifests.iris(ns, "iris", "1.0.0")).create();

    ModelDeployment md =
        harness.awaitStatus(ns, "iris", condition("Ready", "False", "ChildRefused"));
    assertThat(OperatorHarness.conditionOf(md, "Ready").orElseThrow().getMessage())
        .contains("iris")
        .contains("409");
    var service = harness.client().services().inNamespace(ns).withName("iris").get();
    assertThat(service.getSpec().getSelector())
        .as("the other owner's Service is left alone")
        .containsExactlyEntriesOf(java.util.Map.of("app", "web"));
    assertThat(service.getMetadata().getOwnerReferences()).isNullOrEmpty();
  }

  private static void awaitEvent(String ns, String reason, String message) {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                harness.client().v1().events().inNamespace(ns).list().getItems().stream()
                    .anyMatch(
                        e ->
                            reason.equals(e.getReason())
                                && "Warning".equals(e.getType())
                                && e.getMessage().contains(message)));
  }
}
