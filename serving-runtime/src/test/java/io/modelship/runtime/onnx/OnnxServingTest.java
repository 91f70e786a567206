package io.modelship.runtime.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelship.runtime.TestModels;
import io.modelship.runtime.cli.Main;
import io.modelship.runtime.format.ModelFormats;
import io.modelship.runtime.http.JsonIo;
import io.modelship.runtime.http.ServingApp;
import io.modelship.runtime.server.ServeConfig;
import io.modelship.runtime.training.LabeledTable;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * scikit-learn models exported to ONNX, wrapped with {@code package} on the command line and served
 * over real HTTP: every protocol answers what scikit-learn predicted, to 1e-5.
 */
class OnnxServingTest {

  static final Path EXAMPLES = TestModels.locate("examples/onnx");
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path tmp;

  @Test
  void theBundleFindsBothFormats() {
    assertThat(ModelFormats.names()).containsExactly("onnx", "smile");
  }

  @ParameterizedTest
  @CsvSource({
    "iris-forest, iris, species",
    "iris-logistic, iris, species",
    "breast-cancer-forest, breast-cancer, benign",
    "breast-cancer-logistic, breast-cancer, benign"
  })
  void classifiersAnswerWhatScikitLearnPredictedOnEveryProtocol(
      String model, String data, String target) throws IOException {
    Path pkg = packageExample(model, data, target, "classification");
    LabeledTable table = LabeledTable.read(EXAMPLES.resolve(data + ".csv"), target, null);
    List<String[]> expected = expected(model);
    List<String> labels =
        Arrays.stream(
                Files.readAllLines(EXAMPLES.resolve(model + ".expected.csv")).getFirst().split(","))
            .skip(1)
            .map(h -> h.substring("probability_".length()))
            .toList();
    try (ServingApp app = serve(pkg, Map.of())) {
      for (int i = 0; i < table.size(); i += 37) {
        JsonNode one =
            post(
                app,
                "/predict",
                "{\"features\": " + JsonIo.MAPPER.writeValueAsString(table.rows()[i]) + "}");
        assertThat(one.path("prediction").asText())
            .as("row %d", i + 1)
            .isEqualTo(expected.get(i)[0]);
        for (int k = 0; k < labels.size(); k++) {
          assertThat(one.path("probabilities").path(labels.get(k)).asDouble())
              .as("row %d", i + 1)
              .isCloseTo(Double.parseDouble(expected.get(i)[k + 1]), within(1e-5));
        }
      }
      String instances = JsonIo.MAPPER.writeValueAsString(table.rows());
      JsonNode batch = post(app, "/predict_batch", "{\"instances\": " + instances + "}");
      JsonNode v1 =
          post(app, "/v1/models/" + model + ":predict", "{\"instances\": " + instances + "}");
      for (JsonNode answer : List.of(batch, v1)) {
        for (int i = 0; i < table.size(); i++) {
          assertThat(answer.path("predictions").get(i).asText())
              .as("row %d", i + 1)
              .isEqualTo(expected.get(i)[0]);
          for (int k = 0; k < labels.size(); k++) {
            assertThat(answer.path("probabilities").get(i).path(labels.get(k)).asDouble())
                .isCloseTo(Double.parseDouble(expected.get(i)[k + 1]), within(1e-5));
          }
        }
      }
      int f = table.featureNames().size();
      double[] flat = Arrays.stream(table.rows()).flatMapToDouble(Arrays::stream).toArray();
      JsonNode v2 =
          post(
              app,
              "/v2/models/" + model + "/infer",
              "{\"inputs\": [{\"name\": \"input-0\", \"shape\": ["
                  + table.size()
                  + ", "
                  + f
                  + "], \"datatype\": \"FP64\", \"data\": "
                  + JsonIo.MAPPER.writeValueAsString(flat)
                  + "}]}");
      JsonNode v2Labels = v2.path("outputs").get(0);
      JsonNode v2Probabilities = v2.path("outputs").get(1);
      assertThat(v2Probabilities.path("shape").toString())
          .isEqualTo("[" + table.size() + "," + labels.size() + "]");
      for (int i = 0; i < table.size(); i++) {
        assertThat(v2Labels.path("data").get(i).asText()).isEqualTo(expected.get(i)[0]);
        for (int k = 0; k < labels.size(); k++) {
          assertThat(v2Probabilities.path("data").get(i * labels.size() + k).asDouble())
              .isCloseTo(Double.parseDouble(expected.get(i)[k + 1]), within(1e-5));
        }
      }
      JsonNode metadata = get(app, "/v2/models/" + model);
      assertThat(metadata.path("platform").asText()).isEqualTo("onnx");
    }
  }

  @Test
  void anOnnxClassifierIsMonitoredLikeASmileOne() throws IOException {
    Path pkg = packageExample("iris-logistic", "iris", "species", "classification");
    LabeledTable table = LabeledTable.read(EXAMPLES.resolve("iris.csv"), "species", null);
    try (ServingApp app = serve(pkg, Map.of("DRIFT_WINDOW_SIZE", "150"))) {
      JsonNode batch =
          post(
              app,
              "/predict_batch",
              "{\"instances\": " + JsonIo.MAPPER.writeValueAsString(table.rows()) + "}");
      JsonNode drift = get(app, "/drift");
      assertThat(drift.path("samples").asLong()).isEqualTo(150);
      assertThat(drift.path("status").asText()).isEqualTo("Normal");
      double[][] shifted =
          Arrays.stream(table.rows())
              .map(r -> new double[] {r[0], r[1], r[2] + 4, r[3]})
              .toArray(double[][]::new);
      post(
          app,
          "/predict_batch",
          "{\"instances\": " + JsonIo.MAPPER.writeValueAsString(shifted) + "}");
      JsonNode drifted = get(app, "/drift");
      assertThat(drifted.path("features").get(2).path("status").asText()).isEqualTo("Alert");
      assertThat(drifted.path("features").get(0).path("status").asText()).isEqualTo("Normal");

      String id = batch.path("request_ids").get(0).asText();
      JsonNode feedback =
          post(app, "/feedback", "{\"request_id\": \"" + id + "\", \"label\": \"versicolor\"}");
      assertThat(feedback.path("predicted").asText()).isEqualTo("setosa");
      assertThat(feedback.path("correct").asBoolean()).isFalse();
      assertThat(feedback.path("accuracy").path("accuracy").asDouble()).isZero();
      assertThat(feedback.path("accuracy").path("trainingAccuracy").asDouble()).isGreaterThan(0.9);
      assertThat(get(app, "/model_info").path("model").path("format").asText()).isEqualTo("onnx");
    }
  }

  @Test
  void anOnnxRegressorServesNumbersAndKeepsARollingError() throws IOException {
    Path pkg = packageExample("diabetes-forest", "diabetes", "progression", "regression");
    LabeledTable table = LabeledTable.read(EXAMPLES.resolve("diabetes.csv"), "progression", null);
    List<String[]> expected = expected("diabetes-forest");
    try (ServingApp app = serve(pkg, Map.of("DRIFT_WINDOW_SIZE", "200"))) {
      JsonNode one =
          post(
              app,
              "/predict",
              "{\"features\": " + JsonIo.MAPPER.writeValueAsString(table.rows()[0]) + "}");
      double sklearn = Double.parseDouble(expected.getFirst()[0]);
      assertThat(one.path("prediction").isNumber()).isTrue();
      assertThat(one.path("prediction").asDouble()).isCloseTo(sklearn, within(1e-5 * sklearn));
      assertThat(one.has("probabilities")).isFalse();

      String instances = JsonIo.MAPPER.writeValueAsString(Arrays.copyOf(table.rows(), 200));
      JsonNode batch = post(app, "/predict_batch", "{\"instances\": " + instances + "}");
      JsonNode v1 =
          post(app, "/v1/models/diabetes-forest:predict", "{\"instances\": " + instances + "}");
      double[] flat =
          Arrays.stream(Arrays.copyOf(table.rows(), 200)).flatMapToDouble(Arrays::stream).toArray();
      JsonNode v2 =
          post(
              app,
              "/v2/models/diabetes-forest/infer",
              "{\"inputs\": [{\"name\": \"x\", \"shape\": [200, 10],"
                  + " \"datatype\": \"FP64\", \"data\": "
                  + JsonIo.MAPPER.writeValueAsString(flat)
                  + "}]}");
      JsonNode v2Out = v2.path("outputs").get(0);
      assertThat(v2.path("outputs").size()).isEqualTo(1);
      assertThat(v2Out.path("name").asText()).isEqualTo("prediction");
      assertThat(v2Out.path("datatype").asText()).isEqualTo("FP64");
      for (int i = 0; i < 200; i++) {
        double want = Double.parseDouble(expected.get(i)[0]);
        assertThat(batch.path("predictions").get(i).asDouble())
            .isCloseTo(want, within(1e-5 * want));
        assertThat(v1.path("predictions").get(i).asDouble()).isCloseTo(want, within(1e-5 * want));
        assertThat(v2Out.path("data").get(i).asDouble()).isCloseTo(want, within(1e-5 * want));
      }

      JsonNode drift = get(app, "/drift");
      assertThat(drift.path("samples").asLong()).isEqualTo(200);
      assertThat(drift.path("prediction").path("status").asText()).isEqualTo("Normal");

      String id = batch.path("request_ids").get(0).asText();
      double truth =
          Double.parseDouble(
              Files.readAllLines(EXAMPLES.resolve("diabetes.csv"))
                  .get(1)
                  .substring(
                      Files.readAllLines(EXAMPLES.resolve("diabetes.csv")).get(1).lastIndexOf(',')
                          + 1));
      JsonNode feedback =
          post(app, "/feedback", "{\"request_id\": \"" + id + "\", \"value\": " + truth + "}");
      double predicted = batch.path("predictions").get(0).asDouble();
      assertThat(feedback.path("predicted").asDouble()).isEqualTo(predicted);
      assertThat(feedback.path("errors").path("mae").asDouble())
          .isCloseTo(Math.abs(predicted - truth), within(1e-9));
      assertThat(feedback.path("errors").path("baselineMae").asDouble()).isPositive();
      assertThat(status(app, "/feedback", "{\"request_id\": \"" + id + "\", \"label\": \"x\"}"))
          .isEqualTo(400);
      assertThat(
              get(app, "/model_info").path("statistics").path("error").path("windowCount").asInt())
          .isEqualTo(1);
    }
  }

  private Path packageExample(String model, String data, String target, String task) {
    Path out = tmp.resolve(model + "-1.0.0.tar.gz");
    int exit =
        Main.commandLine()
            .execute(
                "package",
                "--artifact",
                EXAMPLES.resolve(model + ".onnx").toString(),
                "--data",
                EXAMPLES.resolve(data + ".csv").toString(),
                "--target",
                target,
                "--name",
                model,
                "--version",
                "1.0.0",
                "--out",
                out.toString(),
                "--task",
                task);
    assertThat(exit).isZero();
    return out;
  }

  private ServingApp serve(Path pkg, Map<String, String> extra) {
    Map<String, String> env = new HashMap<>();
    env.put("MODEL_URI", pkg.toString());
    env.put("HOST", "127.0.0.1");
    env.put("PORT", "0");
    env.put("DRAIN_TIMEOUT_SECONDS", "1");
    env.put("MODEL_WORK_DIR", tmp.resolve("work").toString());
    env.putAll(extra);
    return new ServingApp(ServeConfig.fromEnvironment(env).validate()).startReady();
  }

  private static List<String[]> expected(String model) throws IOException {
    return Files.readAllLines(EXAMPLES.resolve(model + ".expected.csv")).stream()
        .skip(1)
        .filter(l -> !l.isBlank())
        .map(l -> l.split(","))
        .toList();
  }

  static JsonNode get(ServingApp app, String path) {
    return send(HttpRequest.newBuilder(uri(app, path)).GET().build(), 200);
  }

  static JsonNode post(ServingApp app, String path, String body) {
    return send(
        HttpRequest.newBuilder(uri(app, path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        200);
  }

  static int status(ServingApp app, String path, String body) {
    try {
      return HTTP.send(
              HttpRequest.newBuilder(uri(app, path))
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString())
          .statusCode();
    } catch (IOException | InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  private static URI uri(ServingApp app, String path) {
    return URI.create("http://127.0.0.1:" + app.port() + path);
  }

  private static JsonNode send(HttpRequest request, int status) {
    try {
      HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(request.uri() + ": " + r.body()).isEqualTo(status);
      return JsonIo.MAPPER.readTree(r.body());
    } catch (IOException | InterruptedException e) {
      throw new AssertionError(request.uri().toString(), e);
    }
  }
}
