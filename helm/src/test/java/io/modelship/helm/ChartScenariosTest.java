package io.modelship.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.openshift.api.model.monitoring.v1.PodMonitor;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Lints the chart and renders every ci/ scenario with Helm, reading each object back strictly. */
class ChartScenariosTest {

  static List<Path> scenarios() {
    return Chart.scenarios();
  }

  static Path scenario(String name) {
    return Chart.DIR.resolve("ci").resolve(name + "-values.yaml");
  }

  @Test
  void lintsStrictly() {
    var result = new Helm(Chart.DIR).lint().strict().call();
    assertThat(result.isFailed()).as("helm lint --strict: %s", result.getMessages()).isFalse();
  }

  @Test
  void everyScenarioListedHere() {
    assertThat(scenarios())
        .extracting(p -> p.getFileName().toString())
        .containsExactlyInAnyOrder(
            "cluster-values.yaml",
            "namespaced-values.yaml",
            "custom-images-values.yaml",
            "two-replicas-values.yaml",
            "monitoring-values.yaml");
  }

  @ParameterizedTest
  @MethodSource("scenarios")
  void everyScenarioRendersTypedObjectsWhosePodsAreRestricted(Path values)
      throws java.io.IOException {
    String yaml = Chart.template(values, Map.of());
    // Kept for reading: target/rendered/<scenario>.yaml is what helm template prints.
    Path rendered = Path.of("target", "rendered", values.getFileName().toString());
    java.nio.file.Files.createDirectories(rendered.getParent());
    java.nio.file.Files.writeString(rendered, yaml);
    List<HasMetadata> objects = Chart.objects(yaml);

    assertThat(objects).isNotEmpty();
    for (HasMetadata object : objects) {
      if (!(object instanceof CustomResourceDefinition)
          && !(object instanceof ClusterRole)
          && !(object instanceof ClusterRoleBinding)) {
        assertThat(object.getMetadata().getNamespace())
            .as("%s %s namespace", object.getKind(), object.getMetadata().getName())
            .isNotBlank();
      }
    }
    for (Deployment deployment : Chart.ofKind(objects, Deployment.class)) {
      assertThat(RestrictedPodSecurity.violations(deployment.getSpec().getTemplate().getSpec()))
          .as("restricted Pod Security of %s", deployment.getMetadata().getName())
          .isEmpty();
    }
  }

  @Test
  void theOperatorRunsRestrictedWithProbesResourcesAndLeaderElection() {
    Deployment deployment = Chart.one(Chart.render(scenario("cluster")), Deployment.class);
    PodSpec pod = deployment.getSpec().getTemplate().getSpec();
    Container operator = pod.getContainers().getFirst();

    assertThat(deployment.getSpec().getReplicas()).isEqualTo(1);
    assertThat(pod.getServiceAccountName()).isEqualTo("modelship");
    assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(65532L);
    assertThat(operator.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(operator.getImage()).isEqualTo("ghcr.io/modelship/operator:0.1.0");
    assertThat(operator.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    assertThat(operator.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
    assertThat(operator.getPorts().getFirst().getContainerPort()).isEqualTo(8081);
    assertThat(operator.getResources().getRequests()).containsKeys("cpu", "memory");
    assertThat(operator.getResources().getLimits()).containsKey("memory");
    assertThat(env(operator))
        .containsAllEntriesOf(
            Map.of(
                "WATCH_NAMESPACES", "",
                "LEADER_ELECTION", "true",
                "LEASE_NAME", "modelship",
                "LEASE_NAMESPACE", Chart.NAMESPACE,
                "DEFAULT_RUNTIME_IMAGE", "ghcr.io/modelship/serving-runtime:0.1.0",
                "RUNTIME_IMAGE_PULL_SECRETS", "",
                "LOG_LEVEL", "info",
                "HTTP_PORT", "8081",
                "MODELSHIP_SIGNING_KEY_FILE", "/var/run/secrets/modelship/signing-key/key"));
    assertThat(operator.getVolumeMounts())
        .anySatisfy(
            m -> {
              assertThat(m.getMountPath()).isEqualTo("/var/run/secrets/modelship/signing-key");
              assertThat(m.getReadOnly()).isTrue();
            });
  }

  @Test
  void clusterModeGrantsByClusterRoleAndTheLeaseOnlyInTheReleaseNamespace() {
    List<HasMetadata> objects = Chart.render(scenario("cluster"));

    ClusterRole role = Chart.one(objects, ClusterRole.class);
    ClusterRoleBinding binding = Chart.one(objects, ClusterRoleBinding.class);
    assertThat(binding.getRoleRef().getName()).isEqualTo(role.getMetadata().getName());
    assertThat(binding.getSubjects())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.getKind()).isEqualTo("ServiceAccount");
              assertThat(s.getName())
                  .isEqualTo(Chart.one(objects, ServiceAccount.class).getMetadata().getName());
              assertThat(s.getNamespace()).isEqualTo(Chart.NAMESPACE);
            });
    assertThat(role.getRules()).noneMatch(r -> r.getResources().contains("leases"));
    Role lease = Chart.one(objects, Role.class);
    assertThat(lease.getMetadata().getNamespace()).isEqualTo(Chart.NAMESPACE);
    assertThat(lease.getRules()).allMatch(r -> r.getResources().equals(List.of("leases")));
    assertThat(Chart.one(objects, RoleBinding.class).getRoleRef().getName())
        .isEqualTo(lease.getMetadata().getName());
    assertNoWildcards(role.getRules());
  }

  @Test
  void namespacedModeGrantsARolePerWatchedNamespaceAndNothingClusterWide() {
    List<HasMetadata> objects = Chart.render(scenario("namespaced"));

    assertThat(Chart.ofKind(objects, ClusterRole.class)).isEmpty();
    assertThat(Chart.ofKind(objects, ClusterRoleBinding.class)).isEmpty();
    Map<String, Role> roles =
        Chart.ofKind(objects, Role.class).stream()
            .collect(
                Collectors.toMap(
                    r -> r.getMetadata().getNamespace() + "/" + r.getMetadata().getName(), r -> r));
    assertThat(roles)
        .containsOnlyKeys(
            "ml/modelship", "ml-staging/modelship", Chart.NAMESPACE + "/modelship-leader-election");
    assertThat(roles.get("ml/modelship").getRules())
        .isEqualTo(roles.get("ml-staging/modelship").getRules());
    assertThat(Chart.ofKind(objects, RoleBinding.class))
        .extracting(b -> b.getMetadata().getNamespace() + "/" + b.getRoleRef().getName())
        .containsExactlyInAnyOrder(
            "ml/modelship", "ml-staging/modelship", Chart.NAMESPACE + "/modelship-leader-election");
    assertThat(
            env(
                Chart.one(objects, Deployment.class)
                    .getSpec()
                    .getTemplate()
                    .getSpec()
                    .getContainers()
                    .getFirst()))
        .containsEntry("WATCH_NAMESPACES", "ml,ml-staging");
    // keep: false leaves the CRDs to helm uninstall.
    assertThat(Chart.ofKind(objects, CustomResourceDefinition.class))
        .allSatisfy(crd -> assertThat(crd.getMetadata().getAnnotations()).isNullOrEmpty());
  }

  @Test
  void customImagesArePinnedByDigestWithPullSecretsForOperatorAndServingPods() {
    List<HasMetadata> objects = Chart.render(scenario("custom-images"));
    PodSpec pod = Chart.one(objects, Deployment.class).getSpec().getTemplate().getSpec();
    Container operator = pod.getContainers().getFirst();

    assertThat(operator.getImage())
        .isEqualTo(
            "registry.example.com/mirror/modelship/operator@sha256:"
                + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
    assertThat(pod.getImagePullSecrets())
        .extracting(LocalObjectReference::getName)
        .containsExactly("registry-example-com");
    assertThat(env(operator))
        .containsAllEntriesOf(
            Map.of(
                "DEFAULT_RUNTIME_IMAGE",
                    "registry.example.com/mirror/modelship/serving-runtime@sha256:"
                        + "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210",
                "RUNTIME_IMAGE_PULL_SECRETS", "registry-example-com",
                "MODELSHIP_ALLOWED_IMAGE_REGISTRIES", "registry.example.com/mirror",
                "MODELSHIP_REQUIRE_SHA256_FOR_HTTP", "true"));
    // The platform team's own key: the chart generates none and mounts theirs.
    assertThat(Chart.ofKind(objects, Secret.class)).isEmpty();
    assertThat(pod.getVolumes())
        .anySatisfy(
            v -> assertThat(v.getSecret().getSecretName()).isEqualTo("modelship-signing-key"));
  }

  @Test
  void theGeneratedSigningKeyIsLongEnoughAndKeptOnUninstall() {
    Secret secret = Chart.one(Chart.render(scenario("cluster")), Secret.class);

    byte[] key = Base64.getDecoder().decode(secret.getData().get("key"));
    assertThat(key.length).isGreaterThanOrEqualTo(32);
    assertThat(secret.getMetadata().getAnnotations())
        .containsEntry("helm.sh/resource-policy", "keep");
  }

  @Test
  void anUpgradeKeepsTheSigningKeyTheClusterHas() {
    String key =
        Base64.getEncoder()
            .encodeToString("k".repeat(64).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    ClusterForLookup.putSecret(
        Chart.NAMESPACE,
        "modelship-signing-key",
        """
        {"apiVersion":"v1","kind":"Secret","metadata":{"name":"modelship-signing-key","namespace":"%s"},
         "type":"Opaque","data":{"key":"%s"}}"""
            .formatted(Chart.NAMESPACE, key));
    try {
      assertThat(Chart.one(Chart.render(scenario("cluster")), Secret.class).getData())
          .containsEntry("key", key);
    } finally {
      ClusterForLookup.clear();
    }
    assertThat(Chart.one(Chart.render(scenario("cluster")), Secret.class).getData().get("key"))
        .isNotEqualTo(key);
  }

  @Test
  void twoReplicasElectALeader() {
    Deployment deployment = Chart.one(Chart.render(scenario("two-replicas")), Deployment.class);

    assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
    assertThat(
            deployment.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal())
        .isZero();
    assertThat(env(deployment.getSpec().getTemplate().getSpec().getContainers().getFirst()))
        .containsEntry("LEADER_ELECTION", "true")
        .containsEntry("LOG_LEVEL", "debug");
  }

  @Test
  void monitoringScrapesTheOperatorAndEveryServingPod() {
    List<HasMetadata> objects = Chart.render(scenario("monitoring"));

    ServiceMonitor operator = Chart.one(objects, ServiceMonitor.class);
    Service metrics = Chart.one(objects, Service.class);
    assertThat(metrics.getSpec().getSelector())
        .containsAllEntriesOf(operator.getSpec().getSelector().getMatchLabels());
    assertThat(operator.getSpec().getEndpoints())
        .singleElement()
        .satisfies(e -> assertThat(e.getPath()).isEqualTo("/metrics"));
    PodMonitor serving = Chart.one(objects, PodMonitor.class);
    assertThat(serving.getSpec().getSelector().getMatchLabels())
        .containsEntry("app.kubernetes.io/managed-by", "modelship-operator");
    assertThat(serving.getSpec().getNamespaceSelector().getAny()).isTrue();
    assertThat(serving.getMetadata().getLabels()).containsEntry("release", "kube-prometheus-stack");
    // The boards and alerts select a ModelDeployment's series by this label; the operator's own
    // series name their ModelDeployment's namespace, which the target's must not overwrite.
    assertThat(serving.getSpec().getPodMetricsEndpoints().getFirst().getRelabelings())
        .anySatisfy(
            r -> {
              assertThat(r.getSourceLabels())
                  .containsExactly("__meta_kubernetes_pod_label_modelship_io_deployment");
              assertThat(r.getTargetLabel()).isEqualTo("modeldeployment");
            });
    assertThat(operator.getSpec().getEndpoints().getFirst().getHonorLabels()).isTrue();
    // The runtime's `endpoint` label (what the boards and alerts filter on) must win over the
    // target label of that name the Prometheus Operator sets to the port's name.
    assertThat(serving.getSpec().getPodMetricsEndpoints().getFirst().getHonorLabels()).isTrue();
    // Alerts and both dashboards for kube-prometheus-stack.
    assertThat(
            Chart.one(objects, io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule.class)
                .getMetadata()
                .getLabels())
        .containsEntry("release", "kube-prometheus-stack");
    assertThat(Chart.ofKind(objects, io.fabric8.kubernetes.api.model.ConfigMap.class))
        .hasSize(2)
        .allSatisfy(cm -> assertThat(cm.getMetadata().getNamespace()).isEqualTo("monitoring"));
    // Off by default: a cluster without the Prometheus Operator has no such kinds.
    assertThat(Chart.ofKind(Chart.render(scenario("cluster")), ServiceMonitor.class)).isEmpty();
  }

  @Test
  void theRestrictedCheckRefusesWhatPodSecurityAdmissionRefuses() {
    PodSpec root =
        new PodSpecBuilder()
            .addNewContainer()
            .withName("app")
            .withNewSecurityContext()
            .withPrivileged(true)
            .withRunAsUser(0L)
            .withNewCapabilities()
            .withAdd("NET_ADMIN")
            .endCapabilities()
            .endSecurityContext()
            .endContainer()
            .addNewVolume()
            .withName("host")
            .withNewHostPath("/var", null)
            .endVolume()
            .build();

    assertThat(RestrictedPodSecurity.violations(root))
        .containsExactlyInAnyOrder(
            "restricted volume types (volume \"host\" uses restricted volume type \"hostPath\")",
            "privileged (container \"app\" must not set securityContext.privileged=true)",
            "allowPrivilegeEscalation != false (container \"app\" must set securityContext.allowPrivilegeEscalation=false)",
            "unrestricted capabilities (container \"app\" must set securityContext.capabilities.drop=[\"ALL\"])",
            "unrestricted capabilities (container \"app\" must not include [NET_ADMIN] in securityContext.capabilities.add)",
            "runAsNonRoot != true (pod or container \"app\" must set securityContext.runAsNonRoot=true)",
            "runAsUser=0 (pod or container \"app\" must not set runAsUser=0)",
            "seccompProfile (pod or container \"app\" must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\")");
  }

  static Map<String, String> env(Container container) {
    return container.getEnv().stream()
        .collect(Collectors.toMap(EnvVar::getName, e -> e.getValue() == null ? "" : e.getValue()));
  }

  static void assertNoWildcards(List<PolicyRule> rules) {
    for (PolicyRule rule : rules) {
      assertThat(rule.getApiGroups()).doesNotContain("*");
      assertThat(rule.getResources()).doesNotContain("*");
      assertThat(rule.getVerbs()).doesNotContain("*");
    }
  }
}
