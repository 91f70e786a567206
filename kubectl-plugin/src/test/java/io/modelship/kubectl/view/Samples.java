package io.modelship.kubectl.view;

import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The sample ModelDeployments under src/test/resources/samples, as the API would return them. */
public final class Samples {

  /** The moment the samples' timestamps are written against. */
  public static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

  private Samples() {}

  public static String text(String name) {
    try (InputStream in = Samples.class.getResourceAsStream("/samples/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no sample " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @SuppressWarnings("unchecked")
  public static Map<String, Object> resource(String name) {
    return Serialization.unmarshal(text(name), Map.class);
  }

  public static ModelDeploymentView view(String name) {
    return ModelDeploymentView.from(resource(name));
  }

  public static List<Deployment> deployments(String name) {
    return Serialization.unmarshal(text(name), KubernetesList.class).getItems().stream()
        .map(Deployment.class::cast)
        .toList();
  }

  /**
   * The items of a List sample as JSON trees, e.g. RuntimeReports (the plugin reads them
   * generically).
   */
  @SuppressWarnings("unchecked")
  public static List<Map<String, Object>> items(String name) {
    return (List<Map<String, Object>>) Serialization.unmarshal(text(name), Map.class).get("items");
  }
}
