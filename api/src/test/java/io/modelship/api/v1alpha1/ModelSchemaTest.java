package io.modelship.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The committed CRD refuses, at admission, model names and versions that could not be label values
 * (the operator puts both on every child), so such a spec never reaches the operator.
 */
class ModelSchemaTest {

  static JSONSchemaProps model() throws IOException {
    Path file =
        Path.of(System.getProperty("crds.dir", "../crds"))
            .resolve("modeldeployments.modelship.io-v1.yml");
    var crd = Serialization.unmarshal(Files.readString(file), CustomResourceDefinition.class);
    return crd.getSpec()
        .getVersions()
        .getFirst()
        .getSchema()
        .getOpenAPIV3Schema()
        .getProperties()
        .get("spec")
        .getProperties()
        .get("model");
  }

  static boolean admits(JSONSchemaProps field, String value) {
    return Pattern.compile(field.getPattern()).matcher(value).find()
        && (field.getMaxLength() == null || value.length() <= field.getMaxLength());
  }

  @ParameterizedTest
  @ValueSource(strings = {"iris", "fraud-detector_v2.1", "A", ""})
  void labelValuesAreAdmittedAsModelNames(String name) throws IOException {
    assertThat(admits(model().getProperties().get("name"), name)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "iris model",
        "-iris",
        "iris.",
        "iris/v1",
        "ïris",
        "a123456789012345678901234567890123456789012345678901234567890123"
      })
  void whatCannotBeALabelValueIsRefusedAsAModelName(String name) throws IOException {
    assertThat(admits(model().getProperties().get("name"), name)).as(name).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "1.0 beta", "v1/2", "2.0.0-"})
  void whatCannotBeALabelValueIsRefusedAsAVersion(String version) throws IOException {
    assertThat(admits(model().getProperties().get("version"), version)).as(version).isFalse();
  }
}
