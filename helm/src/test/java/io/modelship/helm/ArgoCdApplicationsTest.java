package io.modelship.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.modelship.api.v1alpha1.ModelDeployment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Argo CD Applications in argocd/applications/ point at what exists in this repository: the
 * chart renders with the Application's values, and the ModelDeployment it syncs parses strictly.
 */
class ArgoCdApplicationsTest {

  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  static final Path REPO = Chart.ARGOCD.toAbsolutePath().normalize().getParent();

  static JsonNode application(String name) throws IOException {
    JsonNode app =
        YAML.readTree(Chart.ARGOCD.resolve("applications").resolve(name + ".yaml").toFile());
    assertThat(app.at("/apiVersion").asText()).isEqualTo("argoproj.io/v1alpha1");
    assertThat(app.at("/kind").asText()).isEqualTo("Application");
    assertThat(app.at("/spec/project").asText()).isNotBlank();
    assertThat(app.at("/spec/destination/server").asText())
        .isEqualTo("https://kubernetes.default.svc");
    assertThat(app.at("/spec/source/repoURL").asText()).startsWith("https://");
    return app;
  }

  @Test
  void theChartApplicationRendersWithItsValues() throws IOException {
    JsonNode app = application("modelship");
    assertThat(REPO.resolve(app.at("/spec/source/path").asText()))
        .isEqualTo(Chart.DIR.toAbsolutePath().normalize());
    Path values = Files.createTempFile("argocd-values", ".yaml");
    YAML.writeValue(values.toFile(), app.at("/spec/source/helm/valuesObject"));

    var objects = Chart.objects(Chart.template(values, Map.of()));

    assertThat(Chart.ofKind(objects, Deployment.class))
        .singleElement()
        .satisfies(
            d ->
                assertThat(d.getSpec().getTemplate().getSpec().getVolumes())
                    .anySatisfy(
                        v ->
                            assertThat(v.getSecret().getSecretName())
                                .isEqualTo("modelship-signing-key")));
    assertThat(app.at("/spec/destination/namespace").asText()).isEqualTo(Chart.NAMESPACE);
  }

  @Test
  void theModelDeploymentApplicationSyncsAStrictlyValidModelDeployment() throws IOException {
    JsonNode app = application("iris");
    Path file =
        REPO.resolve(app.at("/spec/source/path").asText())
            .resolve(app.at("/spec/source/directory/include").asText());

    ModelDeployment md = Serialization.unmarshal(Files.readString(file), ModelDeployment.class);

    assertThat(Chart.unknownFields(md)).isEmpty();
    assertThat(md.getMetadata().getNamespace())
        .isEqualTo(app.at("/spec/destination/namespace").asText());
  }
}
