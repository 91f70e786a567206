package io.modelship.operator.dependent;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.modelship.api.v1alpha1.ModelDeployment;
import io.modelship.api.v1alpha1.spec.DriftMethod;
import io.modelship.api.v1alpha1.spec.DriftSpec;
import io.modelship.api.v1alpha1.spec.MonitoringSpec;
import io.modelship.api.v1alpha1.spec.RuntimeSpec;
import io.modelship.api.v1alpha1.status.Phase;
import io.modelship.drift.DriftThresholds;
import io.modelship.operator.harness.Manifests;
import io.modelship.operator.rollout.plan.RolloutPlan;
import io.modelship.operator.rollout.plan.VersionTarget;
import io.modelship.operator.settings.OperatorSettings;
import io.modelship.operator.validation.ModelLocation;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class DesiredChildrenTest {

  static final OperatorSettings SETTINGS = OperatorSettings.defaults();

  static ServingPlan plan(String version, ModelLocation location) {
    var rollout =
        RolloutPlan.rollingUpdate(
            List.of(new VersionTarget(version, 2, true)),
            version,
            null,
            Phase.Healthy,
            false,
            "ok");
    return new ServingPlan(SETTINGS, rollout, location);
  }

  static ModelDeployment md() {
    return Manifests.iris("ml", "iris", "2.0.0");
  }

  static Map<String, String> values(List<EnvVar> env) {
    return env.stream()
        .filter(e -> e.getValue() != null)
        .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
  }

  @Test
  void servingPodsPullWithTheOperatorsPullSecretsAndNoneWhenUnset() {
    var md = md();
    var location = new ModelLocation(md.getSpec().getModel().getUri(), Optional.empty());
    var rollout =
        RolloutPlan.rollingUpdate(
            List.of(new VersionTarget("2.0.0", 2, true)),
            "2.0.0",
            null,
            Phase.Healthy,
            false,
            "ok");
    var withSecrets =
        new ServingPlan(
            SETTINGS.withImagePullSecrets(List.of("registry-a", "registry-b")), rollout, location);

    var pod =
        ServingDeployments.desired(md, "2.0.0", 2, withSecrets).getSpec().getTemplate().getSpec();
    assertThat(pod.getImagePullSecrets())
        .extracting(r -> r.getName())
        .containsExactly("registry-a", "registry-b");
    // No empty list the API server would drop and the update matcher then see as a difference.
    assertThat(
            ServingDeployments.desired(md, "2.0.0", 2, plan("2.0.0", location))
                .getSpec()
                .getTemplate()
                .getSpec()
                .getImagePullSecrets())
        .isNullOrEmpty();
  }

  @Test
  void deploymentCarriesLabelsProbesSecurityAndEnv() {
    var md = md();
    Deployment d =
        ServingDeployments.desired(
            md,
            "2.0.0",
            2,
            plan("2.0.0", new ModelLocation(md.getSpec().getModel().getUri(), Optional.empty())));

    assertThat(d.getMetadata().getName()).isEqualTo(ServingNames.versionChildName("iris", "2.0.0"));
    assertThat(d.getMetadata().getLabels())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "app.kubernetes.io/name", "iris",
                "app.kubernetes.io/instance", "iris",
                "app.kubernetes.io/version", "2.0.0",
                "app.kubernetes.io/component", "serving",
                "app.kubernetes.io/managed-by", "modelship-operator",
                "modelship.io/deployment", "iris",
                "modelship.io/version", "2.0.0"));
    assertThat(d.getSpec().getSelector().getMatchLabels())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("modelship.io/deployment", "iris", "modelship.io/version", "2.0.0"));
    assertThat(d.getSpec().getTemplate().getMetadata().getLabels())
        .isEqualTo(d.getMetadata().getLabels());
    assertThat(d.getSpec().getReplicas()).isEqualTo(2);
    assertThat(d.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal())
        .isZero();
    assertThat(d.getSpec().getTemplate().getMetadata().getAnnotations())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "prometheus.io/scrape",
                "true",
                "prometheus.io/port",
                "8080",
                "prometheus.io/path",
                "/metrics"));

    var pod = d.getSpec().getTemplate().getSpec();
    assertThat(pod.getServiceAccountName()).isEqualTo("iris-runtime");
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    var c = pod.getContainers().getFirst();
    assertThat(c.getImage()).isEqualTo(OperatorSettings.DEFAULT_IMAGE);
    assertThat(c.getImagePullPolicy()).isEqualTo("IfNotPresent");
    assertThat(c.getPorts().getFirst().getContainerPort()).isEqualTo(8080);
    assertThat(c.getPorts().getFirst().getProtocol()).isEqualTo("TCP");
    // The Open Inference Protocol over gRPC on its own port, which the runtime is told by
    // GRPC_PORT.
    assertThat(c.getPorts().get(1).getName()).isEqualTo("grpc");
    assertThat(c.getPorts().get(1).getContainerPort()).isEqualTo(8081);
    assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/health");
    assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/ready");
    assertThat(c.getStartupProbe().getHttpGet().getPath()).isEqualTo("/health");
    assertThat(c.getStartupProbe().getPeriodSeconds() * c.getStartupProbe().getFailureThreshold())
        .isGreaterThanOrEqualTo(300);
    var sc = c.getSecurityContext();
    assertThat(sc.getAllowPrivilegeEscalation()).isFalse();
    assertThat(sc.getReadOnlyRootFilesystem()).isTrue();
    assertThat(sc.getRunAsNonRoot()).isTrue();
    assertThat(sc.getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(sc.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(c.getVolumeMounts()).extracting("mountPath").containsExactly("/tmp");
    // 2 GiB package + 4 x 2 GiB unpacked + 64 MiB headroom.
    long scratch = 10L * 1024 * 1024 * 1024 + 64L * 1024 * 1024;
    assertThat(pod.getVolumes())
        .singleElement()
        .satisfies(
            v ->
                assertThat(v.getEmptyDir().getSizeLimit().getNumericalAmount().longValueExact())
                    .isEqualTo(scratch));
    assertThat(
            c.getResources()
                .getRequests()
                .get("ephemeral-storage")
                .getNumericalAmount()
                .longValueExact())
        .isEqualTo(scratch);
    assertThat(c.getResources().getRequests())
        .containsAllEntriesOf(SETTINGS.defaultResources().getRequests());
    assertThat(c.getResources().getLimits()).isEqualTo(SETTINGS.defaultResources().getLimits());

    assertThat(values(c.getEnv()))
        .containsExactlyInAnyOrderEntriesOf(
            Map.ofEntries(
                Map.entry("MODEL_URI", "https://models.example.com/iris/2.0.0.tar.gz"),
                Map.entry("MODEL_SHA256", Manifests.SHA),
                Map.entry("MODEL_VERSION", "2.0.0"),
                Map.entry("MODELDEPLOYMENT_NAME", "iris"),
                Map.entry("REPORT_INTERVAL_SECONDS", "15"),
                Map.entry("DRIFT_METHOD", "psi"),
                Map.entry("DRIFT_WARNING", "0.1"),
                Map.entry("DRIFT_THRESHOLD", "0.25"),
                Map.entry("DRIFT_WINDOW_SIZE", "1000"),
                Map.entry(
                    "DRIFT_MIN_SAMPLES", String.valueOf(DriftThresholds.DEFAULT_DRIFT_MIN_SAMPLES)),
                Map.entry("ACCURACY_MAX_DROP", "0.05"),
                Map.entry(
                    "ACCURACY_MIN_SAMPLES",
                    String.valueOf(DriftThresholds.DEFAULT_ACCURACY_MIN_SAMPLES)),
                Map.entry("PORT", "8080"),
                Map.entry("GRPC_PORT", "8081"),
                Map.entry("MODEL_MAX_DOWNLOAD_BYTES", String.valueOf(2L * 1024 * 1024 * 1024)),
                Map.entry("SHUTDOWN_DELAY_SECONDS", "5"),
                Map.entry("JAVA_TOOL_OPTIONS", "-XX:+ExitOnOutOfMemoryError"),
                Map.entry("MALLOC_ARENA_MAX", "2")));
    assertThat(c.getEnv())
        .filteredOn(e -> e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null)
        .extracting(
            e ->
                e.getName()
                    + "="
                    + e.getValueFrom().getSecretKeyRef().getName()
                    + "/"
                    + e.getValueFrom().getSecretKeyRef().getKey())
        .containsExactly(
            "FEEDBACK_SIGNING_KEY=iris-signing/feedback-key",
            "REPORT_SIGNING_KEY=iris-signing/report-key");
    assertThat(c.getEnv())
        .filteredOn(e -> e.getValueFrom() != null && e.getValueFrom().getFieldRef() != null)
        .extracting(e -> e.getName() + "=" + e.getValueFrom().getFieldRef().getFieldPath())
        .containsExactly(
            "POD_NAME=metadata.name",
            "POD_UID=metadata.uid",
            "POD_NAMESPACE=metadata.namespace",
            "POD_IP=status.podIP");
  }

  @Test
  void deploymentUsesSpecRuntimeAndMonitoring() {
    var md = md();
    var runtime = new RuntimeSpec();
    runtime.setImage("registry.local/runtime:latest");
    runtime.setResources(
        new ResourceRequirementsBuilder().addToLimits("memory", new Quantity("2Gi")).build());
    runtime.setEnv(List.of(new EnvVar("EXTRA", "1", null)));
    md.getSpec().setRuntime(runtime);
    var monitoring = new MonitoringSpec();
    monitoring.setReportIntervalSeconds(5);
    monitoring.setDrift(new DriftSpec());
    monitoring.getDrift().setMethod(DriftMethod.KS);
    monitoring.getDrift().setThreshold(0.4);
    md.getSpec().setMonitoring(monitoring);
    md.getSpec().getModel().setSha256(null);

    var c =
        ServingDeployments.desired(
                md, "2.0.0", 1, plan("2.0.0", new ModelLocation("https://x/y", Optional.empty())))
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .getFirst();
    assertThat(c.getImage()).isEqualTo("registry.local/runtime:latest");
    assertThat(c.getImagePullPolicy()).isEqualTo("Always");
    assertThat(c.getResources().getLimits()).containsEntry("memory", new Quantity("2Gi"));
    assertThat(values(c.getEnv()))
        .containsEntry("EXTRA", "1")
        .containsEntry("REPORT_INTERVAL_SECONDS", "5")
        .containsEntry("DRIFT_METHOD", "ks")
        .containsEntry("DRIFT_THRESHOLD", "0.4")
        .doesNotContainKey("MODEL_SHA256");
  }

  @Test
  void thresholdNeverBelowWarning() {
    var md = md();
    var monitoring = new MonitoringSpec();
    monitoring.setDrift(new DriftSpec());
    monitoring.getDrift().setWarning(0.3);
    md.getSpec().setMonitoring(monitoring);
    assertThat(EffectiveMonitoring.of(md.getSpec(), SETTINGS).threshold()).isEqualTo(0.3);
    monitoring.getDrift().setThreshold(0.2);
    assertThat(EffectiveMonitoring.of(md.getSpec(), SETTINGS).threshold()).isEqualTo(0.3);
    monitoring.getDrift().setThreshold(0.5);
    assertThat(EffectiveMonitoring.of(md.getSpec(), SETTINGS).threshold()).isEqualTo(0.5);
  }

  @Test
  void pvcLocationIsMountedReadOnly() {
    var md = md();
    var location =
        ((ModelLocation.Result.Valid) ModelLocation.parse("pvc://models/iris/2.0.0")).location();
    var pod =
        ServingDeployments.desired(md, "2.0.0", 1, plan("2.0.0", location))
            .getSpec()
            .getTemplate()
            .getSpec();
    assertThat(pod.getVolumes())
        .filteredOn(v -> v.getPersistentVolumeClaim() != null)
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.getPersistentVolumeClaim().getClaimName()).isEqualTo("models");
              assertThat(v.getPersistentVolumeClaim().getReadOnly()).isTrue();
            });
    assertThat(pod.getContainers().getFirst().getVolumeMounts())
        .filteredOn(m -> "/mnt/models".equals(m.getMountPath()))
        .singleElement()
        .satisfies(m -> assertThat(m.getReadOnly()).isTrue());
    assertThat(values(pod.getContainers().getFirst().getEnv()))
        .containsEntry("MODEL_URI", "file:///mnt/models/iris/2.0.0");
  }

  @Test
  void desiredIsPure() {
    var md = md();
    var plan = plan("2.0.0", new ModelLocation(md.getSpec().getModel().getUri(), Optional.empty()));
    assertThat(ServingDeployments.desired(md, "2.0.0", 2, plan))
        .isEqualTo(ServingDeployments.desired(md, "2.0.0", 2, plan));
    assertThat(io.fabric8.kubernetes.client.utils.Serialization.asJson(md))
        .as("the spec is never written")
        .isEqualTo(io.fabric8.kubernetes.client.utils.Serialization.asJson(md()));
  }

  @Test
  void longVersionsGiveShortStableNames() {
    var md =
        Manifests.iris("ml", "a-rather-long-model-deployment-name", "2024.11.22-build.1234567890");
    String name = ServingNames.deploymentName(md, md.getSpec().getModel().getVersion());
    assertThat(name)
        .hasSizeLessThanOrEqualTo(ServingNames.MAX_DEPLOYMENT_NAME)
        .matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    assertThat(ServingNames.deploymentName(md, md.getSpec().getModel().getVersion()))
        .isEqualTo(name);
    assertThat(ServingNames.deploymentName(md, "2024.11.22-build.1234567891")).isNotEqualTo(name);
  }

  @Test
  void serviceSelectsEveryVersionWithExplicitDefaults() {
    var service = ServingService.desired(md());
    assertThat(service.getMetadata().getName()).isEqualTo("iris");
    assertThat(service.getSpec().getSelector())
        .containsExactly(Map.entry("modelship.io/deployment", "iris"));
    var port = service.getSpec().getPorts().getFirst();
    assertThat(port.getPort()).isEqualTo(80);
    assertThat(port.getTargetPort().getIntVal()).isEqualTo(8080);
    assertThat(port.getProtocol()).isEqualTo("TCP");
    var grpc = service.getSpec().getPorts().get(1);
    assertThat(grpc.getName()).isEqualTo("grpc");
    assertThat(grpc.getPort()).isEqualTo(8081);
    assertThat(grpc.getTargetPort().getIntVal()).isEqualTo(8081);
    assertThat(grpc.getAppProtocol()).isEqualTo("kubernetes.io/h2c");
    assertThat(service.getSpec().getType()).isEqualTo("ClusterIP");
    assertThat(service.getSpec().getSessionAffinity()).isEqualTo("None");
  }

  @Test
  void autoscalerTargetsTheServingVersion() {
    var md = md();
    md.getSpec().setAutoscaling(Manifests.autoscaling(2, 10, null));
    var hpa = ServingAutoscaler.desired(md, "2.0.0");
    assertThat(hpa.getApiVersion()).isEqualTo("autoscaling/v2");
    assertThat(hpa.getSpec().getScaleTargetRef().getName())
        .isEqualTo(ServingNames.versionChildName("iris", "2.0.0"));
    assertThat(hpa.getSpec().getScaleTargetRef().getKind()).isEqualTo("Deployment");
    assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(2);
    assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(10);
    assertThat(hpa.getSpec().getMetrics())
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.getResource().getName()).isEqualTo("cpu");
              assertThat(m.getResource().getTarget().getAverageUtilization()).isEqualTo(70);
            });
    md.getSpec().setAutoscaling(Manifests.autoscaling(1, 3, 100));
    var withRps = ServingAutoscaler.desired(md, "2.0.0");
    assertThat(withRps.getSpec().getMetrics()).hasSize(2);
    var pods = withRps.getSpec().getMetrics().get(1).getPods();
    assertThat(pods.getMetric().getName()).isEqualTo("modelship_requests_per_second");
    assertThat(pods.getTarget().getType()).isEqualTo("AverageValue");
    assertThat(pods.getTarget().getAverageValue()).isEqualTo(new Quantity("100"));
  }

  /**
   * A platform team's cure for flapping: the spec's behavior reaches the HPA with every field the
   * API server would default written out; without one the HPA has none (the controller's defaults).
   */
  @Test
  void autoscalerCarriesTheBehaviorWithKubernetesDefaultsWrittenOut() throws Exception {
    var md = md();
    md.getSpec()
        .setAutoscaling(
            new com.fasterxml.jackson.dataformat.yaml.YAMLMapper()
                .readValue(
                    """
                    minReplicas: 1
                    maxReplicas: 5
                    behavior:
                      scaleDown:
                        stabilizationWindowSeconds: 600
                        policies: [{type: Pods, value: 1, periodSeconds: 60}]
                    """,
                    io.modelship.api.v1alpha1.spec.AutoscalingSpec.class));
    var behavior = ServingAutoscaler.desired(md, "2.0.0").getSpec().getBehavior();
    assertThat(behavior.getScaleDown().getStabilizationWindowSeconds()).isEqualTo(600);
    assertThat(behavior.getScaleDown().getSelectPolicy()).isEqualTo("Max");
    assertThat(behavior.getScaleDown().getPolicies())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.getType()).isEqualTo("Pods");
              assertThat(p.getValue()).isEqualTo(1);
              assertThat(p.getPeriodSeconds()).isEqualTo(60);
            });
    // The scale-up the spec left out is Kubernetes' default, as the API server would store it.
    assertThat(behavior.getScaleUp().getStabilizationWindowSeconds()).isZero();
    assertThat(behavior.getScaleUp().getSelectPolicy()).isEqualTo("Max");
    assertThat(behavior.getScaleUp().getPolicies())
        .extracting(p -> p.getType() + " " + p.getValue() + "/" + p.getPeriodSeconds())
        .containsExactly("Pods 4/15", "Percent 100/15");

    md.getSpec().getAutoscaling().getBehavior().setScaleDown(null);
    md.getSpec()
        .getAutoscaling()
        .getBehavior()
        .setScaleUp(new io.modelship.api.v1alpha1.spec.ScalingRules());
    md.getSpec()
        .getAutoscaling()
        .getBehavior()
        .getScaleUp()
        .setSelectPolicy(io.modelship.api.v1alpha1.spec.ScalingSelectPolicy.Disabled);
    behavior = ServingAutoscaler.desired(md, "2.0.0").getSpec().getBehavior();
    assertThat(behavior.getScaleUp().getSelectPolicy()).isEqualTo("Disabled");
    assertThat(behavior.getScaleUp().getPolicies()).hasSize(2);
    assertThat(behavior.getScaleDown().getStabilizationWindowSeconds())
        .as("left to the controller's --horizontal-pod-autoscaler-downscale-stabilization")
        .isNull();
    assertThat(behavior.getScaleDown().getPolicies())
        .extracting(p -> p.getType() + " " + p.getValue() + "/" + p.getPeriodSeconds())
        .containsExactly("Percent 100/15");

    md.getSpec().getAutoscaling().setBehavior(null);
    assertThat(ServingAutoscaler.desired(md, "2.0.0").getSpec().getBehavior()).isNull();
  }

  @Test
  void disruptionBudgetCoversAllVersions() {
    var pdb = ServingDisruptionBudget.desired(md());
    assertThat(pdb.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
    assertThat(pdb.getSpec().getSelector().getMatchLabels())
        .containsExactly(Map.entry("modelship.io/deployment", "iris"));
  }

  @Test
  void runtimeMayOnlyWriteRuntimeReportsAndPackageReferencesAndNothingOnModelDeployments() {
    var role = RuntimeRole.desired(md());
    assertThat(role.getRules())
        .hasSize(2)
        .allSatisfy(r -> assertThat(r.getApiGroups()).containsExactly("modelship.io"));
    assertThat(role.getRules().get(0).getResources()).containsExactly("runtimereports");
    assertThat(role.getRules().get(0).getVerbs())
        .containsExactlyInAnyOrder("create", "get", "patch");
    assertThat(role.getRules().get(1).getResources()).containsExactly("modelpackagereferences");
    assertThat(role.getRules().get(1).getVerbs())
        .as("the package's reference: created once, repaired by a merge patch (which reads it)")
        .containsExactlyInAnyOrder("create", "get", "patch");
    assertThat(role.getMetadata().getNamespace())
        .as("a Role, so its own namespace only")
        .isEqualTo(md().getMetadata().getNamespace());
    var binding = RuntimeRoleBinding.desired(md());
    assertThat(binding.getRoleRef().getName()).isEqualTo("iris-runtime");
    assertThat(binding.getSubjects())
        .singleElement()
        .satisfies(s -> assertThat(s.getName()).isEqualTo("iris-runtime"));
    assertThat(RuntimeServiceAccount.desired(md()).getMetadata().getName())
        .isEqualTo("iris-runtime");
  }

  @Test
  void hpaOwnedCountIsCarriedOver() {
    var md = md();
    md.getSpec().setAutoscaling(Manifests.autoscaling(2, 10, null));
    var live =
        ServingDeployments.desired(
            md, "2.0.0", 7, plan("2.0.0", new ModelLocation("https://x/y", Optional.empty())));
    assertThat(ServingDeployments.replicas(md, new VersionTarget("2.0.0", null, true), live))
        .isEqualTo(7);
    assertThat(ServingDeployments.replicas(md, new VersionTarget("2.0.0", null, true), null))
        .isEqualTo(2);
    assertThat(ServingDeployments.replicas(md, new VersionTarget("2.0.0", 4, true), live))
        .isEqualTo(4);
  }
}
