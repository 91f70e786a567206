package io.modelship.operator;

import static io.modelship.operator.harness.OperatorHarness.condition;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.modelship.api.v1alpha1.spec.ModelUriSource;
import io.modelship.api.v1alpha1.spec.RuntimeSpec;
import io.modelship.operator.dependent.ServingNames;
import io.modelship.operator.harness.Manifests;
import io.modelship.operator.harness.OperatorHarness;
import io.modelship.operator.validation.ImageRegistries;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a platform team sets on the operator: the registries images may come from, and whether a
 * package over plain http:// needs a sha256. Also where a model URI with credentials is kept.
 */
class PlatformPolicyIT {

  static OperatorHarness harness;

  @BeforeAll
  static void start() {
    harness =
        new OperatorHarness(
            true,
            s ->
                s.withAllowedImages(
                        ImageRegistries.parse("ghcr.io/modelship, registry.example.com"))
                    .withRequireSha256ForHttp(true));
  }

  @AfterAll
  static void stop() {
    harness.close();
  }

  static RuntimeSpec image(String image) {
    var runtime = new RuntimeSpec();
    runtime.setImage(image);
    return runtime;
  }

  @Test
  void anImageOutsideTheAllowedRegistriesIsRefusedNamingImageAndPrefixes() {
    String ns = "images";
    var md = Manifests.iris(ns, "iris", "1.0.0");
    md.getSpec().setRuntime(image("ghcr.io/modelship-evil/serving-runtime:1.0"));
    harness.client().resource(md).create();

    var refused =
        harness.awaitStatus(ns, "iris", condition("Ready", "False", ImageRegistries.REASON));
    assertThat(OperatorHarness.conditionOf(refused, "Ready").orElseThrow().getMessage())
        .contains("ghcr.io/modelship-evil/serving-runtime:1.0")
        .contains("ghcr.io/modelship, registry.example.com");
    assertThat(harness.client().apps().deployments().inNamespace(ns).list().getItems()).isEmpty();

    harness.editSpec(
        ns, "iris", spec -> spec.setRuntime(image("registry.example.com/ml/serving-runtime:1.0")));
    harness.awaitStatus(ns, "iris", condition("Ready", "True", null));
    assertThat(
            harness
                .client()
                .apps()
                .deployments()
                .inNamespace(ns)
                .withName(ServingNames.versionChildName("iris", "1.0.0"))
                .get()
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .getFirst()
                .getImage())
        .isEqualTo("registry.example.com/ml/serving-runtime:1.0");
  }

  @Test
  void plainHttpWithoutSha256IsRefusedWhenTheOperatorRequiresIt() {
    String ns = "plain-http";
    var md = Manifests.iris(ns, "iris", "1.0.0");
    md.getSpec().getModel().setUri("http://models.internal/iris.tar.gz");
    md.getSpec().getModel().setSha256(null);
    harness.client().resource(md).create();

    var refused =
        harness.awaitStatus(ns, "iris", condition("Ready", "False", "UnverifiedModelRefused"));
    assertThat(OperatorHarness.conditionOf(refused, "Ready").orElseThrow().getMessage())
        .contains("plain http://")
        .contains("MODELSHIP_REQUIRE_SHA256_FOR_HTTP");
    assertThat(harness.client().apps().deployments().inNamespace(ns).list().getItems()).isEmpty();

    harness.editSpec(ns, "iris", spec -> spec.getModel().setSha256(Manifests.SHA));
    harness.awaitStatus(ns, "iris", condition("Ready", "True", null));
  }

  /**
   * The URI with its token stays in the Secret: the pod reads it, nothing the operator writes holds
   * it.
   */
  @Test
  void aModelUriFromASecretNeverAppearsInThePodSpecStatusOrEvents() {
    String ns = "uri-from";
    String secretUri = "https://reader:t0psecret@models.example.com/iris/1.0.0.tar.gz";
    var md = Manifests.iris(ns, "iris", "1.0.0");
    md.getSpec().getModel().setUri(null);
    var from = new ModelUriSource();
    from.setSecretKeyRef(new ModelUriSource.SecretKeyRef("iris-model", "uri"));
    md.getSpec().getModel().setUriFrom(from);
    harness
        .client()
        .secrets()
        .inNamespace(ns)
        .resource(
            new io.fabric8.kubernetes.api.model.SecretBuilder()
                .withNewMetadata()
                .withName("iris-model")
                .withNamespace(ns)
                .endMetadata()
                .withStringData(java.util.Map.of("uri", secretUri))
                .build())
        .create();
    harness.client().resource(md).create();

    var ready = harness.awaitStatus(ns, "iris", condition("Ready", "True", null));
    var deployment =
        harness
            .client()
            .apps()
            .deployments()
            .inNamespace(ns)
            .withName(ServingNames.versionChildName("iris", "1.0.0"))
            .get();
    var env = deployment.getSpec().getTemplate().getSpec().getContainers().getFirst().getEnv();
    assertThat(env)
        .filteredOn(e -> "MODEL_URI".equals(e.getName()))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getValue()).isNull();
              assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("iris-model");
              assertThat(e.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("uri");
            });
    var history =
        harness
            .awaitStatus(
                ns,
                "iris",
                m -> m.getStatus().getHistory() != null && !m.getStatus().getHistory().isEmpty())
            .getStatus()
            .getHistory()
            .getLast();
    assertThat(history.getUri()).isNull();
    assertThat(history.getUriFrom().getSecretKeyRef().getName())
        .as("undo can restore it")
        .isEqualTo("iris-model");
    String written =
        Serialization.asJson(deployment)
            + Serialization.asJson(ready.getStatus())
            + Serialization.asJson(harness.client().v1().events().inNamespace(ns).list());
    assertThat(written).doesNotContain("t0psecret").doesNotContain("models.example.com");
    // Served above because a sha256 is set: the operator cannot see the scheme, so without one it
    // refuses.
    harness.editSpec(ns, "iris", spec -> spec.getModel().setSha256(null));
    var refused =
        harness.awaitStatus(ns, "iris", condition("Ready", "False", "UnverifiedModelRefused"));
    assertThat(OperatorHarness.conditionOf(refused, "Ready").orElseThrow().getMessage())
        .contains("uriFrom")
        .doesNotContain("t0psecret");
  }
}
