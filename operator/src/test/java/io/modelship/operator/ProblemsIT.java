package io.modelship.operator;

import static io.modelship.operator.harness.OperatorHarness.condition;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.modelship.api.v1alpha1.spec.RuntimeSpec;
import io.modelship.api.v1alpha1.status.Phase;
import io.modelship.operator.dependent.ServingNames;
import io.modelship.operator.harness.Manifests;
import io.modelship.operator.harness.OperatorHarness;
import io.modelship.operator.harness.Reports;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What the schema cannot reject shows as Ready=False with a reason, without churn or hot loops. */
class ProblemsIT {

  static OperatorHarness harness;

  @BeforeAll
  static void start() {
    harness = new OperatorHarness(true);
  }

  @AfterAll
  static void stop() {
    harness.close();
  }

  @Test
  void unsupportedSchemeFailsWithoutChildrenOrHotLoop() throws InterruptedException {
    String ns = "scheme";
    var md = Manifests.iris(ns, "iris", "1.0.0");
    md.getSpec().getModel().setUri("ftp://bucket/iris.tar.gz");
    harness.client().resource(md).create();

    var failed =
        harness.awaitStatus(ns, "iris", condition("Ready", "False", "UnsupportedModelUri"));
    assertThat(failed.getStatus().getPhase()).isEqualTo(Phase.Failed);
    assertThat(OperatorHarness.conditionOf(failed, "Ready").orElseThrow().getMessage())
        .contains("'ftp'");
    assertThat(harness.client().apps().deployments().inNamespace(ns).list().getItems()).isEmpty();
    // The Event follows the status write; let it land before counting.
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(5))
        .until(
            () ->
                harness.client().v1().events().inNamespace(ns).list().getItems().stream()
                    .anyMatch(e -> "UnsupportedModelUri".equals(e.getReason())));

    harness.cluster.drainRequests();
    Thread.sleep(2500);
    assertThat(
            harness.cluster.drainWrites().stream().filter(w -> w.contains("/namespaces/scheme/")))
        .as("retries every second write nothing")
        .isEmpty();
  }

  @Test
  void missingClaimIsNamedAndFoundOnceCreated() {
    String ns = "claim";
    var md = Manifests.iris(ns, "iris", "1.0.0");
    md.getSpec().getModel().setUri("pvc://models/iris/1.0.0");
    harness.client().resource(md).create();
    var failed =
        harness.awaitStatus(
            ns, "iris", condition("Ready", "False", "PersistentVolumeClaimNotFound"));
    assertThat(OperatorHarness.conditionOf(failed, "Ready").orElseThrow().getMessage())
        .contains("models");

    harness
        .client()
        .persistentVolumeClaims()
        .inNamespace(ns)
        .resource(
            new PersistentVolumeClaimBuilder()
                .withNewMetadata()
                .withName("models")
                .withNamespace(ns)
                .endMetadata()
                .build())
        .create();
    harness.awaitStatus(ns, "iris", condition("Ready", "True", "Serving"));
    var pod =
        harness
            .client()
            .apps()
            .deployments()
            .inNamespace(ns)
            .withName(ServingNames.versionChildName("iris", "1.0.0"))
            .get()
            .getSpec()
            .getTemplate()
            .getSpec();
    assertThat(pod.getVolumes())
        .filteredOn(v -> v.getPersistentVolumeClaim() != null)
        .singleElement()
        .satisfies(
            v -> assertThat(v.getPersistentVolumeClaim().getClaimName()).isEqualTo("models"));
    assertThat(pod.getContainers().getFirst().getEnv())
        .anySatisfy(
            e -> {
              assertThat(e.getName()).isEqualTo("MODEL_URI");
              assertThat(e.getValue()).isEqualTo("file:///mnt/models/iris/1.0.0");
            });
  }

  @Test
  void overridingAnOperatorOwnedVariableIsRefusedWithoutChildren() {
    String ns = "env";
    var md = Manifests.iris(ns, "iris", "1.0.0");
    md.getSpec().setRuntime(new RuntimeSpec());
    md.getSpec()
        .getRuntime()
        .setEnv(
            java.util.List.of(new io.fabric8.kubernetes.api.model.EnvVar("PORT", "9090", null)));
    var created = harness.client().resource(md).create();
    var failed = harness.awaitStatus(ns, "iris", condition("Ready", "False", "OperatorOwnedEnv"));
    assertThat(OperatorHarness.conditionOf(failed, "Ready").orElseThrow().getMessage())
        .contains("PORT");
    assertThat(failed.getStatus().getObservedGeneration())
        .isEqualTo(created.getMetadata().getGeneration());
    assertThat(harness.client().apps().deployments().inNamespace(ns).list().getItems()).isEmpty();
  }

  @Test
  void imagePullFailureOnPodsIsReported() throws InterruptedException {
    String ns = "pull";
    String image = "ghcr.io/modelship/does-not-exist:1";
    harness.deployments.failPulling(image);
    var md = Manifests.iris(ns, "iris", "1.0.0");
    md.getSpec().setRuntime(new RuntimeSpec());
    md.getSpec().getRuntime().setImage(image);
    harness.client().resource(md).create();
    var degraded = harness.awaitStatus(ns, "iris", condition("Ready", "False", "ImagePullFailed"));
    assertThat(degraded.getStatus().getPhase()).isEqualTo(Phase.Degraded);
    assertThat(OperatorHarness.conditionOf(degraded, "Ready").orElseThrow().getMessage())
        .contains(image);

    harness.cluster.drainRequests();
    Thread.sleep(2500);
    assertThat(harness.cluster.drainWrites().stream().filter(w -> w.contains("/namespaces/pull/")))
        .as("children are left alone while the image cannot be pulled")
        .isEmpty();
  }

  @Test
  void loadErrorReportedByAPodIsReported() {
    String ns = "load";
    harness.client().resource(Manifests.iris(ns, "iris", "1.0.0")).create();
    harness.awaitStatus(ns, "iris", condition("Ready", "True", null));
    var report = Reports.report("1.0.0", 0, 0, 0, 0, 0, Instant.now());
    report.setModelLoaded(false);
    report.setReady(false);
    report.setLoadError("sha256 mismatch for iris-1.0.0.tar.gz");
    report.setFeatures(null);
    report.setPrediction(null);
    Reports.write(
        harness.client(),
        ns,
        "iris",
        ServingNames.versionChildName("iris", "1.0.0") + "-pod-0",
        report);
    var md = harness.awaitStatus(ns, "iris", condition("ModelLoaded", "False", "ModelLoadFailed"));
    assertThat(OperatorHarness.conditionOf(md, "Ready").orElseThrow().getReason())
        .isEqualTo("ModelLoadFailed");
    assertThat(OperatorHarness.conditionOf(md, "Ready").orElseThrow().getMessage())
        .contains("sha256 mismatch");
  }
}
