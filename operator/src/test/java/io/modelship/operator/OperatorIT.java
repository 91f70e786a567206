package io.modelship.operator;

import static io.modelship.operator.harness.OperatorHarness.condition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.modelship.api.v1alpha1.ModelDeployment;
import io.modelship.api.v1alpha1.status.Phase;
import io.modelship.operator.dependent.ServingNames;
import io.modelship.operator.harness.Manifests;
import io.modelship.operator.harness.OperatorHarness;
import io.modelship.operator.settings.OperatorSettings;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The operator in-process against the mock API: children, status, spec changes. */
class OperatorIT {

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
  void createMakesEveryChildAndReportsReady() {
    String ns = "create";
    var created = harness.client().resource(Manifests.iris(ns, "iris", "2.0.0")).create();

    ModelDeployment md = harness.awaitStatus(ns, "iris", condition("Ready", "True", "Serving"));
    assertThat(md.getStatus().getPhase()).isEqualTo(Phase.Healthy);
    assertThat(md.getStatus().getStableVersion()).isEqualTo("2.0.0");
    assertThat(md.getStatus().getObservedGeneration())
        .isEqualTo(created.getMetadata().getGeneration());
    assertThat(md.getStatus().getUrl()).isEqualTo("http://iris.create.svc.cluster.local");
    assertThat(md.getStatus().getReadyReplicas()).isEqualTo(2);
    assertThat(md.getStatus().getConditions())
        .extracting("type")
        .contains("Ready", "Progressing", "ModelLoaded", "Drifted");
    assertThat(md.getSpec().getReplicas()).as("spec untouched").isEqualTo(2);

    Deployment d =
        harness
            .client()
            .apps()
            .deployments()
            .inNamespace(ns)
            .withName(ServingNames.versionChildName("iris", "2.0.0"))
            .get();
    assertThat(d.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(o -> assertThat(o.getUid()).isEqualTo(created.getMetadata().getUid()));
    assertThat(d.getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/version", "2.0.0")
        .containsEntry("modelship.io/deployment", "iris")
        .containsEntry("app.kubernetes.io/managed-by", "modelship-operator");
    assertThat(d.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal())
        .isZero();
    var pod = d.getSpec().getTemplate().getSpec();
    var container = pod.getContainers().getFirst();
    assertThat(container.getImage()).isEqualTo(OperatorSettings.DEFAULT_IMAGE);
    assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/health");
    assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/ready");
    assertThat(container.getStartupProbe()).isNotNull();
    assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(
            container.getEnv().stream()
                .filter(e -> e.getValue() != null)
                .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue)))
        .containsEntry("MODEL_URI", "https://models.example.com/iris/2.0.0.tar.gz")
        .containsEntry("MODEL_SHA256", Manifests.SHA)
        .containsEntry("MODELDEPLOYMENT_NAME", "iris")
        .containsEntry("PORT", "8080");
    assertThat(d.getSpec().getTemplate().getMetadata().getAnnotations())
        .containsEntry("prometheus.io/scrape", "true");

    Service service = harness.client().services().inNamespace(ns).withName("iris").get();
    assertThat(service.getSpec().getPorts().getFirst().getProtocol()).isEqualTo("TCP");
    assertThat(service.getMetadata().getOwnerReferences()).hasSize(1);
    PodDisruptionBudget pdb =
        harness.client().policy().v1().podDisruptionBudget().inNamespace(ns).withName("iris").get();
    assertThat(pdb.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
    assertThat(pdb.getSpec().getUnhealthyPodEvictionPolicy()).isEqualTo("AlwaysAllow");
    List<HasMetadata> children =
        List.of(
            d,
            service,
            pdb,
            harness.client().serviceAccounts().inNamespace(ns).withName("iris-runtime").get(),
            harness.client().rbac().roles().inNamespace(ns).withName("iris-runtime").get(),
            harness.client().rbac().roleBindings().inNamespace(ns).withName("iris-runtime").get());
    assertThat(children)
        .allSatisfy(
            child ->
                assertThat(child.getMetadata().getOwnerReferences())
                    .as("%s %s", child.getKind(), child.getMetadata().getName())
                    .singleElement()
                    .satisfies(
                        o -> {
                          assertThat(o.getUid()).isEqualTo(created.getMetadata().getUid());
                          assertThat(o.getController()).isTrue();
                          assertThat(o.getBlockOwnerDeletion()).isTrue();
                        }));
    assertThat(harness.client().serviceAccounts().inNamespace(ns).withName("iris-runtime").get())
        .isNotNull();
    var signing = harness.client().secrets().inNamespace(ns).withName("iris-signing");
    await().atMost(Duration.ofSeconds(10)).until(() -> signing.get() != null);
    java.util.function.Function<String, String> key =
        name ->
            new String(
                java.util.Base64.getDecoder().decode(signing.get().getData().get(name)),
                java.nio.charset.StandardCharsets.US_ASCII);
    assertThat(key.apply("feedback-key"))
        .as("256 bits as 64 hex digits, so it can be an environment variable")
        .matches("[0-9a-f]{64}");
    assertThat(key.apply("report-key"))
        .matches("[0-9a-f]{64}")
        .isNotEqualTo(key.apply("feedback-key"));
    assertThat(key.apply("report-key"))
        .as("derived from the master key and the resource's UID")
        .isEqualTo(java.util.HexFormat.of().formatHex(OperatorHarness.KEYS.reportKey(created)));
    assertThat(signing.get().getImmutable()).isTrue();
    assertThat(signing.get().getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(o -> assertThat(o.getController()).isTrue());
    String feedback = key.apply("feedback-key");
    harness.editSpec(ns, "iris", spec -> spec.setReplicas(3));
    harness.awaitStatus(
        ns, "iris", m -> m.getStatus().getObservedGeneration() == m.getMetadata().getGeneration());
    assertThat(key.apply("feedback-key")).as("never rotated by a reconcile").isEqualTo(feedback);
    assertThat(
            harness
                .client()
                .rbac()
                .roles()
                .inNamespace(ns)
                .withName("iris-runtime")
                .get()
                .getRules()
                .getFirst()
                .getResources())
        .containsExactly("runtimereports");
    assertThat(
            harness
                .client()
                .autoscaling()
                .v2()
                .horizontalPodAutoscalers()
                .inNamespace(ns)
                .withName("iris")
                .get())
        .isNull();
    assertThat(harness.client().v1().events().inNamespace(ns).list().getItems())
        .extracting("reason")
        .contains("Created");
  }

  /**
   * A ClusterRole granting get/list/watch on Secrets could read every Secret of the cluster; the
   * operator needs only create: from start to a served model it never reads a Secret.
   */
  @Test
  void theOperatorOnlyCreatesSecretsAndNeverReadsOne() {
    try (var fresh = new OperatorHarness(true)) {
      fresh.client().resource(Manifests.iris("keys", "iris", "1.0.0")).create();
      fresh.awaitStatus("keys", "iris", condition("Ready", "True", null));
      var secretRequests =
          fresh.cluster.drainRequests().stream()
              .filter(r -> r.getPath().matches(".*/secrets([/?].*)?"))
              .map(r -> r.getMethod() + " " + r.getPath())
              .toList();
      assertThat(secretRequests)
          .as("what the operator asked of Secrets")
          .isNotEmpty()
          .allSatisfy(r -> assertThat(r).isEqualTo("POST /api/v1/namespaces/keys/secrets"));
    }
  }

  /**
   * Nothing watches the Secret; a pod that cannot start without it is what brings it back, with the
   * same keys.
   */
  @Test
  void aDeletedSigningSecretIsCreatedAgainWhenAPodCannotStartWithoutIt() {
    String ns = "lost-key";
    harness.client().resource(Manifests.iris(ns, "iris", "1.0.0")).create();
    harness.awaitStatus(ns, "iris", condition("Ready", "True", null));
    var secret = harness.client().secrets().inNamespace(ns).withName("iris-signing");
    var keys = secret.get().getData();
    secret.delete();
    await().atMost(Duration.ofSeconds(5)).until(() -> secret.get() == null);

    var pod = harness.client().pods().inNamespace(ns).list().getItems().getFirst();
    pod.getStatus()
        .setContainerStatuses(
            List.of(
                new io.fabric8.kubernetes.api.model.ContainerStatusBuilder()
                    .withName("serving")
                    .withReady(false)
                    .withNewState()
                    .withNewWaiting()
                    .withReason("CreateContainerConfigError")
                    .withMessage("secret \"iris-signing\" not found")
                    .endWaiting()
                    .endState()
                    .build()));
    harness.client().pods().inNamespace(ns).resource(pod).update();

    await().atMost(Duration.ofSeconds(10)).until(() -> secret.get() != null);
    assertThat(secret.get().getData()).as("derived keys: the same as before").isEqualTo(keys);
  }

  @Test
  void readyOnceStartedWithHealthyInformers() {
    await().atMost(Duration.ofSeconds(10)).until(() -> harness.operator().ready());
  }

  @Test
  void autoscalingAddsAndRemovesTheHpa() {
    String ns = "hpa";
    var md = Manifests.iris(ns, "iris", "1.0.0");
    md.getSpec().setAutoscaling(Manifests.autoscaling(2, 5, 100));
    harness.client().resource(md).create();
    var hpas = harness.client().autoscaling().v2().horizontalPodAutoscalers().inNamespace(ns);
    await().atMost(Duration.ofSeconds(10)).until(() -> hpas.withName("iris").get() != null);
    HorizontalPodAutoscaler hpa = hpas.withName("iris").get();
    assertThat(hpa.getSpec().getScaleTargetRef().getName())
        .isEqualTo(ServingNames.versionChildName("iris", "1.0.0"));
    assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(2);
    assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(5);
    assertThat(hpa.getSpec().getMetrics()).extracting("type").containsExactly("Resource", "Pods");
    assertThat(hpa.getSpec().getMetrics().get(1).getPods().getMetric().getName())
        .isEqualTo("modelship_requests_per_second");

    harness.editSpec(
        ns,
        "iris",
        spec -> {
          spec.setAutoscaling(null);
        });
    await().atMost(Duration.ofSeconds(10)).until(() -> hpas.withName("iris").get() == null);
  }

  @Test
  void specChangeReachesTheChildren() {
    String ns = "change";
    harness.client().resource(Manifests.iris(ns, "iris", "1.0.0")).create();
    harness.awaitStatus(ns, "iris", condition("Ready", "True", null));
    harness.editSpec(
        ns,
        "iris",
        spec -> {
          spec.setReplicas(3);
          spec.setRuntime(new io.modelship.api.v1alpha1.spec.RuntimeSpec());
          spec.getRuntime().setImage("ghcr.io/modelship/serving-runtime:0.2.0");
        });
    var deployment =
        harness
            .client()
            .apps()
            .deployments()
            .inNamespace(ns)
            .withName(ServingNames.versionChildName("iris", "1.0.0"));
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                deployment.get().getSpec().getReplicas() == 3
                    && deployment
                        .get()
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .getFirst()
                        .getImage()
                        .endsWith(":0.2.0"));
    var md =
        harness.awaitStatus(
            ns,
            "iris",
            m ->
                m.getStatus().getReadyReplicas() == 3
                    && m.getStatus().getObservedGeneration() == 2);
    assertThat(md.getStatus().getPhase()).isEqualTo(Phase.Healthy);
  }

  @Test
  void versionChangeKeepsTheOldVersionUntilTheNewIsReady() {
    String ns = "rolling";
    harness.client().resource(Manifests.iris(ns, "iris", "1.0.0")).create();
    harness.awaitStatus(ns, "iris", condition("Ready", "True", null));
    harness.deployments.hold("2.0.0");
    harness.editSpec(
        ns,
        "iris",
        spec -> {
          spec.getModel().setVersion("2.0.0");
          spec.getModel().setUri("https://models.example.com/iris/2.0.0.tar.gz");
        });
    var deployments = harness.client().apps().deployments().inNamespace(ns);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                deployments.withName(ServingNames.versionChildName("iris", "2.0.0")).get() != null);
    var during = harness.awaitStatus(ns, "iris", condition("Progressing", "True", "RollingOut"));
    assertThat(deployments.withName(ServingNames.versionChildName("iris", "1.0.0")).get())
        .as("old version keeps serving")
        .isNotNull();
    assertThat(during.getStatus().getStableVersion()).isEqualTo("1.0.0");
    assertThat(during.getStatus().getPhase()).isEqualTo(Phase.Progressing);
    assertThat(OperatorHarness.conditionOf(during, "Ready").orElseThrow().getStatus())
        .as(during.getStatus().getConditions().toString())
        .isEqualTo("True");

    harness.deployments.release("2.0.0");
    var after =
        harness.awaitStatus(
            ns,
            "iris",
            m ->
                "2.0.0".equals(m.getStatus().getStableVersion())
                    && m.getStatus().getPhase() == Phase.Healthy);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                deployments.withName(ServingNames.versionChildName("iris", "1.0.0")).get() == null);
    assertThat(after.getStatus().getHistory())
        .extracting("version")
        .containsExactly("1.0.0", "2.0.0");
    assertThat(harness.client().v1().events().inNamespace(ns).list().getItems())
        .extracting("reason")
        .contains("RolloutStarted", "Promoted");
  }
}
