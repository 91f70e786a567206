package io.modelship.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.modelship.api.testing.Promtool;
import io.modelship.local.cluster.LocalCluster;
import io.modelship.local.pods.PodRunner;
import io.modelship.local.scenario.Verdict;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What Prometheus would scrape from a running operator and serving runtime (local mode: the
 * operator jar and real runtime processes) is clean by {@code promtool check metrics}, and names
 * every metric the chart's dashboards and alerts query: a board panel on a metric nobody exports
 * shows "No data" forever, and an alert on one never fires.
 */
class MonitoringIT {

  static final Path HOME =
      Path.of(System.getProperty("modelship.home", "..")).toAbsolutePath().normalize();
  static final Path CHART = HOME.resolve("helm/modelship");
  static final ObjectMapper JSON = new ObjectMapper();

  /** Series Prometheus makes itself rather than scrapes. */
  static final Set<String> PROMETHEUS_OWN = Set.of("up", "ALERTS");

  static final Set<String> PROMQL_WORDS =
      Set.of(
          "and",
          "or",
          "unless",
          "bool",
          "offset",
          "by",
          "without",
          "on",
          "ignoring",
          "group_left",
          "group_right",
          "inf",
          "nan",
          "Inf",
          "NaN");
  static final String IRIS =
      "{\"features\":{\"sepal_length\":5.1,\"sepal_width\":3.5,\"petal_length\":1.4,\"petal_width\":0.2}}";

  @TempDir Path work;

  @Test
  void theBoardsAndAlertsQueryOnlyWhatTheOperatorAndRuntimeExportAndPromtoolFindsNothingToLint()
      throws Exception {
    var http = HttpClient.newHttpClient();
    try (LocalCluster cluster = LocalCluster.start(new LocalCluster.Layout(HOME, work), 0)) {
      cluster
          .client()
          .namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName("ml").endMetadata().build())
          .create();
      var md =
          Serialization.unmarshal(
              withRetraining(
                  Files.readString(HOME.resolve("examples/local/iris-rolling.yaml")), work),
              io.fabric8.kubernetes.api.model.GenericKubernetesResource.class);
      cluster.client().resource(md).create();
      await()
          .atMost(Duration.ofMinutes(4))
          .pollInterval(Duration.ofSeconds(1))
          .until(() -> Verdict.stableUp(status(cluster)));

      // Traffic, an error and labelled feedback on one pod, so every series a board reads exists.
      Pod pod = cluster.client().pods().inNamespace("ml").list().getItems().getFirst();
      URI runtime =
          URI.create(
              "http://127.0.0.1:"
                  + pod.getMetadata().getAnnotations().get(PodRunner.PORT_ANNOTATION));
      for (int i = 0; i < 20; i++) {
        JsonNode answer = JSON.readTree(post(http, runtime.resolve("/predict"), IRIS).body());
        post(
            http,
            runtime.resolve("/feedback"),
            "{\"request_id\":\"" + answer.path("request_id").asText() + "\",\"label\":\"setosa\"}");
      }
      post(http, runtime.resolve("/predict"), "{\"features\":[1]}");

      String runtimeMetrics = get(http, runtime.resolve("/metrics"));
      String operatorMetrics = get(http, cluster.operatorUri().resolve("/metrics"));
      for (String scrape : new String[] {runtimeMetrics, operatorMetrics}) {
        var lint = Promtool.checkMetrics(scrape);
        assertThat(lint.ok()).as(lint.output()).isTrue();
        assertThat(lint.output()).as("promtool check metrics findings").isBlank();
      }
      assertThat(operatorMetrics)
          .contains(
              "modelship_modeldeployment_phase{name=\"iris\",namespace=\"ml\",phase=\"Healthy\"} 1.0");

      Set<String> exported = new TreeSet<>(PROMETHEUS_OWN);
      exported.addAll(sampleNames(runtimeMetrics));
      exported.addAll(sampleNames(operatorMetrics));
      for (String board : new String[] {"model.json", "fleet.json"}) {
        JsonNode dashboard = JSON.readTree(CHART.resolve("dashboards").resolve(board).toFile());
        var named = new TreeSet<String>();
        dashboard
            .path("panels")
            .forEach(
                p ->
                    p.path("targets")
                        .forEach(t -> named.addAll(metricNames(t.path("expr").asText()))));
        dashboard
            .path("templating")
            .path("list")
            .forEach(v -> named.addAll(metricNames(v.path("definition").asText())));
        assertThat(named).as("metrics %s queries", board).isNotEmpty();
        assertThat(exported)
            .as("what the runtime and the operator export, for %s", board)
            .containsAll(named);
      }
      var alerts = new TreeSet<String>();
      Matcher m =
          Pattern.compile("\\bmodelship_[a-z0-9_]+")
              .matcher(Files.readString(CHART.resolve("templates/prometheusrule.yaml")));
      while (m.find()) {
        alerts.add(m.group());
      }
      assertThat(alerts).hasSizeGreaterThan(8);
      assertThat(exported)
          .as("what the runtime and the operator export, for the alerts")
          .containsAll(alerts);
    }
  }

  /** Names of the samples in a Prometheus text exposition. */
  static Set<String> sampleNames(String exposition) {
    var names = new TreeSet<String>();
    exposition
        .lines()
        .filter(l -> !l.isBlank() && !l.startsWith("#"))
        .forEach(l -> names.add(l.split("[{ ]", 2)[0]));
    return names;
  }

  /**
   * The example with a spec.retraining that has no trigger (no run starts), so the operator exports
   * the retraining series the boards and the retraining alerts read.
   */
  @SuppressWarnings("unchecked")
  static String withRetraining(String yaml, Path work) {
    var md =
        Serialization.unmarshal(
            yaml, io.fabric8.kubernetes.api.model.GenericKubernetesResource.class);
    var spec = (java.util.Map<String, Object>) md.getAdditionalProperties().get("spec");
    spec.put(
        "retraining",
        java.util.Map.of(
            "data",
            java.util.Map.of("sink", work.resolve("sink").toUri() + "/"),
            "output",
            work.resolve("candidates").toUri() + "/"));
    return Serialization.asYaml(md);
  }

  /**
   * The metric names a PromQL query selects: with strings, label matchers, ranges and grouping
   * clauses removed, what is left that is neither a function (followed by "("), a keyword nor a
   * number. {@code label_values(metric, label)} names its metric.
   */
  static Set<String> metricNames(String query) {
    String q =
        query
            .replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"")
            .replaceAll("\\{[^}]*}", " ")
            .replaceAll("\\[[^]]*]", " ")
            .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ")
            .replaceAll("label_values\\(([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*,[^)]*\\)", " $1 ");
    var names = new TreeSet<String>();
    Matcher m =
        Pattern.compile("(?<![0-9.a-zA-Z_:$])[a-zA-Z_:][a-zA-Z0-9_:]*+(?!\\s*\\()").matcher(q);
    while (m.find()) {
      String token = m.group();
      if (!PROMQL_WORDS.contains(token) && !q.substring(m.end()).stripLeading().startsWith("(")) {
        names.add(token);
      }
    }
    return names;
  }

  private static JsonNode status(LocalCluster cluster) {
    var md =
        cluster
            .client()
            .genericKubernetesResources("modelship.io/v1alpha1", "ModelDeployment")
            .inNamespace("ml")
            .withName("iris")
            .get();
    return md == null ? JSON.createObjectNode() : JSON.valueToTree(md);
  }

  private static HttpResponse<String> post(HttpClient http, URI uri, String body)
      throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(uri)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String get(HttpClient http, URI uri) throws IOException, InterruptedException {
    HttpResponse<String> r =
        http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("GET %s", uri).isEqualTo(200);
    return r.body();
  }
}
