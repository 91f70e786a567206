package io.modelship.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every object in values.schema.json says what else it allows (additionalProperties), so a typo
 * anywhere is refused — except the Kubernetes types passed through as they are, which the API
 * server validates (affinity terms) and Helm's own {@code global}.
 */
class ValuesSchemaIsStrictTest {

  static final Set<String> FREE_FORM =
      Set.of(
          "/properties/global", "/properties/affinity/properties/nodeAffinity",
          "/properties/affinity/properties/podAffinity",
              "/properties/affinity/properties/podAntiAffinity");

  @Test
  void everyObjectSaysWhatElseItAllows() throws IOException {
    JsonNode schema = new ObjectMapper().readTree(Chart.DIR.resolve("values.schema.json").toFile());
    var open = new ArrayList<String>();
    walk(schema, "", open);
    assertThat(open).as("object schemas without additionalProperties").isEmpty();
    assertThat(schema.get("additionalProperties").asBoolean(true)).isFalse();
  }

  private static void walk(JsonNode node, String path, List<String> open) {
    if (!node.isObject()) {
      return;
    }
    if ("object".equals(node.path("type").asText())
        && !node.has("additionalProperties")
        && !FREE_FORM.contains(path)) {
      open.add(path);
    }
    node.fields().forEachRemaining(e -> walk(e.getValue(), path + "/" + e.getKey(), open));
  }
}
