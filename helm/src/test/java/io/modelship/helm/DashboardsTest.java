package io.modelship.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.modelship.api.testing.Promtool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Grafana dashboards in helm/modelship/dashboards/: what the kube-prometheus-stack sidecar
 * needs (fixed uid, id null, no __inputs, a datasource variable every panel uses) and every panel
 * query valid PromQL, as {@code promtool check rules} parses it. That every metric a query names is
 * exported is checked against a running runtime and operator in local mode (local's MonitoringIT).
 */
class DashboardsTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final Map<String, String> TITLES =
      Map.of("model.json", "Modelship / Model", "fleet.json", "Modelship / Fleet");

  static JsonNode dashboard(String file) throws IOException {
    return JSON.readTree(Chart.DIR.resolve("dashboards").resolve(file).toFile());
  }

  /** Every query of every panel, as Grafana would send it with the variables filled in. */
  static List<String> queries(JsonNode dashboard) {
    var out = new ArrayList<String>();
    for (JsonNode panel : dashboard.path("panels")) {
      for (JsonNode target : panel.path("targets")) {
        out.add(target.path("expr").asText());
      }
    }
    return out;
  }

  static String filled(String query) {
    return query
        .replace("$__rate_interval", "2m")
        .replace("$__range", "6h")
        .replace("$__interval", "30s")
        .replace("$namespace", "ml")
        .replace("$modeldeployment", "iris");
  }

  @Test
  void bothDashboardsAreThere() throws IOException {
    try (var files = Files.list(Chart.DIR.resolve("dashboards"))) {
      assertThat(files.map(f -> f.getFileName().toString()))
          .containsExactlyInAnyOrderElementsOf(TITLES.keySet());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"model.json", "fleet.json"})
  void provisionableByTheSidecar(String file) throws IOException {
    JsonNode board = dashboard(file);
    assertThat(board.path("title").asText()).isEqualTo(TITLES.get(file));
    assertThat(board.path("uid").asText()).isEqualTo("modelship-" + file.replace(".json", ""));
    assertThat(board.has("id")).isTrue();
    assertThat(board.get("id").isNull()).as("id null, so Grafana assigns its own").isTrue();
    assertThat(board.has("__inputs")).as("sidecar-provisioned boards fail on __inputs").isFalse();
    assertThat(board.path("tags")).extracting(JsonNode::asText).contains("modelship");
    JsonNode datasource = null;
    for (JsonNode variable : board.path("templating").path("list")) {
      if (variable.path("name").asText().equals("datasource")) {
        datasource = variable;
      }
    }
    assertThat(datasource).as("a datasource template variable").isNotNull();
    assertThat(datasource.path("type").asText()).isEqualTo("datasource");
    assertThat(datasource.path("query").asText()).isEqualTo("prometheus");
    assertThat(board.path("panels")).isNotEmpty();
    for (JsonNode panel : board.path("panels")) {
      assertThat(panel.path("datasource").path("uid").asText())
          .as(panel.path("title").asText())
          .isEqualTo("${datasource}");
      assertThat(panel.path("targets")).as(panel.path("title").asText()).isNotEmpty();
    }
    for (String query : queries(board)) {
      if (query.contains("rate(") || query.contains("increase(")) {
        assertThat(query)
            .as("a rate over Grafana's own interval")
            .containsAnyOf("[$__rate_interval]", "[$__range]");
      }
    }
  }

  @Test
  void theModelBoardFiltersByNamespaceAndModelDeployment() throws IOException {
    JsonNode board = dashboard("model.json");
    List<String> names = new ArrayList<>();
    board.path("templating").path("list").forEach(v -> names.add(v.path("name").asText()));
    assertThat(names).containsExactly("datasource", "namespace", "modeldeployment");
    assertThat(queries(board))
        .allSatisfy(
            q ->
                assertThat(q)
                    .contains("namespace=\"$namespace\"")
                    .containsAnyOf(
                        "modeldeployment=\"$modeldeployment\"", "name=\"$modeldeployment\""));
  }

  @Test
  void everyPanelQueryIsPromqlThatPromtoolParses() throws IOException {
    var rules = new ArrayList<Map<String, Object>>();
    for (String file : TITLES.keySet()) {
      int i = 0;
      for (String query : queries(dashboard(file))) {
        var rule = new LinkedHashMap<String, Object>();
        rule.put("record", "dashboard:" + file.replace(".json", "") + ":" + i++);
        rule.put("expr", filled(query));
        rules.add(rule);
      }
    }
    Path dir = Path.of("target", "promtool");
    Files.createDirectories(dir);
    Path file = dir.resolve("dashboard-queries.yaml");
    Files.writeString(
        file,
        Serialization.asYaml(
            Map.of("groups", List.of(Map.of("name", "dashboards", "rules", rules)))));
    var check = Promtool.run(dir, null, "check", "rules", file.getFileName().toString());
    assertThat(check.ok()).as(check.output()).isTrue();
    assertThat(rules).hasSizeGreaterThan(20);
  }

  @Test
  void offByDefault() {
    assertThat(Chart.ofKind(Chart.render(Map.of()), ConfigMap.class)).isEmpty();
  }

  @Test
  void renderedAsConfigMapsForTheSidecarWithLabelNamespaceAndFolderFromValues() throws IOException {
    var defaults =
        Chart.ofKind(Chart.render(Map.of("grafana.dashboards.enabled", "true")), ConfigMap.class);
    assertThat(defaults)
        .hasSize(2)
        .allSatisfy(
            cm -> {
              assertThat(cm.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
              assertThat(cm.getMetadata().getAnnotations())
                  .containsEntry("grafana_folder", "Modelship");
              assertThat(cm.getMetadata().getNamespace()).isEqualTo(Chart.NAMESPACE);
            });
    for (ConfigMap cm : defaults) {
      String file = cm.getData().keySet().iterator().next();
      assertThat(JSON.readTree(cm.getData().get(file))).isEqualTo(dashboard(file));
    }

    var custom =
        Chart.ofKind(
            Chart.render(
                Map.of(
                    "grafana.dashboards.enabled",
                    "true",
                    "grafana.dashboards.label",
                    "my_dashboards",
                    "grafana.dashboards.labelValue",
                    "yes",
                    "grafana.dashboards.namespace",
                    "monitoring",
                    "grafana.dashboards.folderAnnotation",
                    "k8s-sidecar-target-directory",
                    "grafana.dashboards.folder",
                    "/tmp/dashboards/ml")),
            ConfigMap.class);
    assertThat(custom)
        .hasSize(2)
        .allSatisfy(
            cm -> {
              assertThat(cm.getMetadata().getLabels())
                  .containsEntry("my_dashboards", "yes")
                  .doesNotContainKey("grafana_dashboard");
              assertThat(cm.getMetadata().getAnnotations())
                  .containsEntry("k8s-sidecar-target-directory", "/tmp/dashboards/ml");
              assertThat(cm.getMetadata().getNamespace()).isEqualTo("monitoring");
            });
  }
}
