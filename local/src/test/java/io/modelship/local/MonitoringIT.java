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
import java.util.List;
import java.util.Map;
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
      // A regression model beside it, trained here (10 trees on the diabetes example), so the
      // board's MAE/RMSE panel has a runtime exporting what it reads.
      Path diabetes = work.resolve("diabetes-1.0.0.tar.gz");
      train(cluster, diabetes);
      cluster
          .client()
          .resource(
              Serialization.unmarshal(
                  DIABETES.formatted(diabetes.toUri()),
                  io.fabric8.kubernetes.api.model.GenericKubernetesResource.class))
          .create();
      await()
          .atMost(Duration.ofMinutes(4))
          .pollInterval(Duration.ofSeconds(1))
          .until(
              () ->
                  Verdict.stableUp(status(cluster))
                      && status(cluster, "diabetes")
                          .path("status")
                          .path("phase")
                          .asText()
                          .equals("Healthy"));

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

      // Predictions of the regression model and labelled feedback with the true values.
      Pod regressionPod =
          cluster
              .client()
              .pods()
              .inNamespace("ml")
              .withLabel("modelship.io/deployment", "diabetes")
              .list()
              .getItems()
              .getFirst();
      URI regression =
          URI.create(
              "http://127.0.0.1:"
                  + regressionPod.getMetadata().getAnnotations().get(PodRunner.PORT_ANNOTATION));
      double absolute = 0;
      double squared = 0;
      var rows = Files.readAllLines(HOME.resolve("examples/onnx/diabetes.csv"));
      int labelled = 20;
      for (String row : rows.subList(1, 1 + labelled)) {
        String[] cells = row.split(",");
        String features = String.join(",", java.util.Arrays.copyOf(cells, cells.length - 1));
        double truth = Double.parseDouble(cells[cells.length - 1]);
        JsonNode answer =
            JSON.readTree(
                post(http, regression.resolve("/predict"), "{\"features\":[" + features + "]}")
                    .body());
        double error = answer.path("prediction").asDouble() - truth;
        absolute += Math.abs(error);
        squared += error * error;
        var fed =
            post(
                http,
                regression.resolve("/feedback"),
                "{\"request_id\":\""
                    + answer.path("request_id").asText()
                    + "\",\"value\":"
                    + truth
                    + "}");
        assertThat(fed.statusCode()).as(fed.body()).isEqualTo(200);
      }
      String regressionMetrics = get(http, regression.resolve("/metrics"));

      String runtimeMetrics = get(http, runtime.resolve("/metrics"));
      String operatorMetrics = get(http, cluster.operatorUri().resolve("/metrics"));
      for (String scrape : new String[] {runtimeMetrics, regressionMetrics, operatorMetrics}) {
        var lint = Promtool.checkMetrics(scrape);
        assertThat(lint.ok()).as(lint.output()).isTrue();
        assertThat(lint.output()).as("promtool check metrics findings").isBlank();
      }
      assertThat(operatorMetrics)
          .contains(
              "modelship_modeldeployment_phase{name=\"iris\",namespace=\"ml\",phase=\"Healthy\"} 1.0");

      Set<String> exported = new TreeSet<>(PROMETHEUS_OWN);
      exported.addAll(sampleNames(runtimeMetrics));
      exported.addAll(sampleNames(regressionMetrics));
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

      // The Model board's MAE/RMSE panel on this scrape, evaluated by Prometheus's own engine:
      // the pod's MAE and RMSE, which are those of the feedback sent.
      double mae = absolute / labelled;
      double rmse = Math.sqrt(squared / labelled);
      assertThat(sample(regressionMetrics, "modelship_error_mae"))
          .isCloseTo(mae, org.assertj.core.api.Assertions.within(1e-6 * mae));
      assertThat(sample(regressionMetrics, "modelship_error_rmse"))
          .isCloseTo(rmse, org.assertj.core.api.Assertions.within(1e-6 * rmse));
      JsonNode panel = null;
      for (JsonNode p :
          JSON.readTree(CHART.resolve("dashboards/model.json").toFile()).path("panels")) {
        if (p.path("title").asText().contains("MAE")) {
          panel = p;
        }
      }
      assertThat(panel).as("the Model board's MAE/RMSE panel").isNotNull();
      var evaluated =
          evaluate(
              work.resolve("promtool"),
              regressionMetrics,
              Map.of(
                  "namespace",
                  "ml",
                  "modeldeployment",
                  "diabetes",
                  "pod",
                  regressionPod.getMetadata().getName()),
              panel,
              Map.of(
                  "modelship_error_mae", sample(regressionMetrics, "modelship_error_mae"),
                  "modelship_error_rmse", sample(regressionMetrics, "modelship_error_rmse")));
      assertThat(evaluated.ok()).as(evaluated.output()).isTrue();
    }
  }

  static final String DIABETES =
      """
      apiVersion: modelship.io/v1alpha1
      kind: ModelDeployment
      metadata: {name: diabetes, namespace: ml}
      spec:
        model: {version: "1.0.0", uri: "%s"}
        replicas: 1
        monitoring: {reportIntervalSeconds: 5}
      """;

  /** {@code train --task regression} with the runtime jar, as a user builds a package. */
  private static void train(LocalCluster cluster, Path out) throws Exception {
    Process train =
        new ProcessBuilder(
                io.modelship.local.process.Java.launcher(),
                "-jar",
                cluster.layout().runtimeJar().toString(),
                "train",
                "--data",
                HOME.resolve("examples/onnx/diabetes.csv").toString(),
                "--target",
                "progression",
                "--name",
                "diabetes",
                "--version",
                "1.0.0",
                "--task",
                "regression",
                "--trees",
                "10",
                "--out",
                out.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(train.getInputStream().readAllBytes());
    assertThat(train.waitFor()).as(output).isZero();
  }

  /** The value of the one sample of {@code name} in a scrape. */
  static double sample(String exposition, String name) {
    return exposition
        .lines()
        .filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
        .map(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .findFirst()
        .orElseThrow(() -> new AssertionError(name + " not in the scrape"));
  }

  /**
   * {@code promtool test rules}: the panel's queries, as Grafana sends them for {@code target}'s
   * namespace and ModelDeployment, over the scrape's samples of the metrics they name (with the
   * labels the chart's PodMonitor and Prometheus add), each expected to give, per version, the
   * value the pod exported of the metric it reads.
   */
  static Promtool.Result evaluate(
      Path dir,
      String exposition,
      Map<String, String> target,
      JsonNode panel,
      Map<String, Double> expected)
      throws IOException {
    Files.createDirectories(dir);
    var series = new java.util.ArrayList<Map<String, Object>>();
    var names = new TreeSet<String>();
    panel.path("targets").forEach(t -> names.addAll(metricNames(t.path("expr").asText())));
    for (String line : exposition.lines().toList()) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String name = line.split("[{ ]", 2)[0];
      if (!names.contains(name)) {
        continue;
      }
      String labels =
          line.contains("{") ? line.substring(line.indexOf('{') + 1, line.lastIndexOf('}')) : "";
      var all = new StringBuilder(labels);
      target.forEach(
          (k, v) ->
              all.append(all.isEmpty() ? "" : ",").append(k).append("=\"").append(v).append('"'));
      String value = line.substring(line.lastIndexOf(' ') + 1);
      series.add(Map.of("series", name + "{" + all + "}", "values", value + "x10"));
    }
    var tests = new java.util.ArrayList<Map<String, Object>>();
    for (JsonNode t : panel.path("targets")) {
      String expr =
          t.path("expr")
              .asText()
              .replace("$namespace", target.get("namespace"))
              .replace("$modeldeployment", target.get("modeldeployment"));
      String metric = metricNames(expr).iterator().next();
      tests.add(
          Map.of(
              "expr",
              expr,
              "eval_time",
              "5m",
              "exp_samples",
              List.of(Map.of("labels", "{version=\"1.0.0\"}", "value", expected.get(metric)))));
    }
    Files.writeString(dir.resolve("none.yaml"), "groups: []\n");
    Files.writeString(
        dir.resolve("panel-test.yaml"),
        Serialization.asYaml(
            Map.of(
                "rule_files",
                List.of("none.yaml"),
                "evaluation_interval",
                "1m",
                "tests",
                List.of(
                    Map.of("interval", "1m", "input_series", series, "promql_expr_test", tests)))));
    return Promtool.run(dir, null, "test", "rules", "panel-test.yaml");
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
    return status(cluster, "iris");
  }

  private static JsonNode status(LocalCluster cluster, String name) {
    var md =
        cluster
            .client()
            .genericKubernetesResources("modelship.io/v1alpha1", "ModelDeployment")
            .inNamespace("ml")
            .withName(name)
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
