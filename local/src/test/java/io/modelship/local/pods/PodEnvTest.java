package io.modelship.local.pods;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PodEnvTest {

  private final Pod pod =
      new PodBuilder()
          .withNewMetadata()
          .withName("iris-abc-1")
          .withNamespace("ml")
          .withUid("0b0c-uid")
          .withLabels(Map.of("modelship.io/version", "2.0.0"))
          .endMetadata()
          .withNewSpec()
          .withNodeName("local")
          .withServiceAccountName("iris-runtime")
          .endSpec()
          .build();
  private final PodEnv.Lookup secrets =
      (ns, name) ->
          ns.equals("ml") && name.equals("iris-feedback")
              ? Optional.of(Map.of("key", Base64.getEncoder().encodeToString("s3cret".getBytes())))
              : Optional.empty();
  private final PodEnv.Lookup configMaps = (ns, name) -> Optional.empty();

  private static EnvVar field(String name, String path) {
    return new EnvVarBuilder()
        .withName(name)
        .withNewValueFrom()
        .withNewFieldRef()
        .withFieldPath(path)
        .endFieldRef()
        .endValueFrom()
        .build();
  }

  private static EnvVar secret(String name, String secret, String key, Boolean optional) {
    return new EnvVarBuilder()
        .withName(name)
        .withNewValueFrom()
        .withNewSecretKeyRef()
        .withName(secret)
        .withKey(key)
        .withOptional(optional)
        .endSecretKeyRef()
        .endValueFrom()
        .build();
  }

  @Test
  void resolvesThePodsFieldsAndSecretsAsAKubeletDoes() {
    Map<String, String> env =
        PodEnv.resolve(
            pod,
            List.of(
                new EnvVar("MODEL_URI", "file:///m.tar.gz", null),
                field("POD_NAME", "metadata.name"),
                field("POD_NAMESPACE", "metadata.namespace"),
                field("POD_UID", "metadata.uid"),
                field("POD_IP", "status.podIP"),
                field("VERSION", "metadata.labels['modelship.io/version']"),
                secret("FEEDBACK_SIGNING_KEY", "iris-feedback", "key", null)),
            secrets,
            configMaps);

    assertThat(env)
        .containsEntry("MODEL_URI", "file:///m.tar.gz")
        .containsEntry("POD_NAME", "iris-abc-1")
        .containsEntry("POD_NAMESPACE", "ml")
        .containsEntry("POD_UID", "0b0c-uid")
        .containsEntry("POD_IP", "127.0.0.1")
        .containsEntry("VERSION", "2.0.0")
        .containsEntry("FEEDBACK_SIGNING_KEY", "s3cret");
  }

  @Test
  void aMissingSecretIsAnErrorNamingItUnlessOptional() {
    assertThatThrownBy(
            () ->
                PodEnv.resolve(
                    pod, List.of(secret("KEY", "absent", "key", null)), secrets, configMaps))
        .hasMessageContaining("Secret ml/absent not found");
    assertThatThrownBy(
            () ->
                PodEnv.resolve(
                    pod,
                    List.of(secret("KEY", "iris-feedback", "other", null)),
                    secrets,
                    configMaps))
        .hasMessageContaining("key other not found in Secret ml/iris-feedback");
    assertThat(
            PodEnv.resolve(pod, List.of(secret("KEY", "absent", "key", true)), secrets, configMaps))
        .isEmpty();
  }

  /**
   * spec.model.uriFrom: the pod reads MODEL_URI from a Secret applied with stringData, as from a
   * real API server.
   */
  @Test
  void aModelUriFromASecretWrittenWithStringDataResolves() {
    var secret =
        new SecretBuilder()
            .withNewMetadata()
            .withName("model-uri")
            .withNamespace("ml")
            .endMetadata()
            .withStringData(Map.of("uri", "https://user:t0ken@models.example.com/iris.tar.gz"))
            .withData(Map.of("other", Base64.getEncoder().encodeToString("x".getBytes())))
            .build();
    PodEnv.Lookup fromApi =
        (ns, name) ->
            ns.equals("ml") && name.equals("model-uri")
                ? Optional.of(PodEnv.secretData(secret))
                : Optional.empty();
    Map<String, String> env =
        PodEnv.resolve(
            pod,
            List.of(
                secret("MODEL_URI", "model-uri", "uri", false),
                secret("OTHER", "model-uri", "other", false)),
            fromApi,
            configMaps);
    assertThat(env)
        .containsEntry("MODEL_URI", "https://user:t0ken@models.example.com/iris.tar.gz")
        .containsEntry("OTHER", "x");
  }

  @Test
  void anUnsupportedFieldIsNamed() {
    assertThatThrownBy(
            () -> PodEnv.resolve(pod, List.of(field("X", "status.phase")), secrets, configMaps))
        .hasMessageContaining("fieldRef status.phase not supported");
  }
}
