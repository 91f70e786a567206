package io.modelship.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/** Every route of the contract answers with the documented shape. */
class ProtocolsTest extends ServingAppTest {

  static final String SETOSA = "[5.1, 3.5, 1.4, 0.2]";
  static final String VIRGINICA = "[6.7, 3.0, 5.2, 2.3]";

  @Test
  void healthAndReadiness() {
    assertThat(get("/health").json().path("status").asText()).isEqualTo("UP");
    Reply ready = get("/ready");
    assertThat(ready.status()).isEqualTo(200);
    assertThat(ready.json().path("status").asText()).isEqualTo("READY");
  }

  @Test
  void predictTakesAListOrNamedFeatures() {
    Reply list = post("/predict", "{\"features\": " + SETOSA + "}");
    assertThat(list.status()).isEqualTo(200);
    assertThat(list.json().path("prediction").asText()).isEqualTo("setosa");
    assertThat(list.json().path("model").asText()).isEqualTo("iris");
    assertThat(list.json().path("version").asText()).isEqualTo("1.0.0");
    assertThat(list.json().path("request_id").asText()).isNotBlank();
    JsonNode p = list.json().path("probabilities");
    assertThat(p.size()).isEqualTo(3);
    assertThat(
            p.path("setosa").asDouble()
                + p.path("versicolor").asDouble()
                + p.path("virginica").asDouble())
        .isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));

    Reply named =
        post(
            "/predict",
            "{\"features\": {\"petal_width\": 2.3, \"sepal_length\": 6.7,"
                + " \"sepal_width\": 3.0, \"petal_length\": 5.2}}");
    assertThat(named.json().path("prediction").asText()).isEqualTo("virginica");
  }

  @Test
  void predictBatchTakesInstancesOrABareList() {
    Reply batch = post("/predict_batch", "{\"instances\": [" + SETOSA + ", " + VIRGINICA + "]}");
    assertThat(batch.json().path("predictions").toString()).isEqualTo("[\"setosa\",\"virginica\"]");
    assertThat(batch.json().path("probabilities").size()).isEqualTo(2);
    Reply objects =
        post(
            "/predict_batch",
            "[{\"sepal_length\": 5.1, \"sepal_width\": 3.5, \"petal_length\": 1.4,"
                + " \"petal_width\": 0.2}]");
    assertThat(objects.json().path("predictions").toString()).isEqualTo("[\"setosa\"]");
  }

  @Test
  void modelInfoShowsTheManifestWithoutReferenceData() {
    Reply info = get("/model_info");
    JsonNode model = info.json().path("model");
    assertThat(model.path("name").asText()).isEqualTo("iris");
    assertThat(model.path("features").size()).isEqualTo(4);
    assertThat(model.path("labels").size()).isEqualTo(3);
    assertThat(model.has("reference")).isFalse();
    JsonNode stats = info.json().path("statistics");
    assertThat(stats.path("latencyMs").has("p99")).isTrue();
    assertThat(stats.path("confidence").path("counts").size()).isEqualTo(10);
    assertThat(stats.path("accuracy").path("trainingAccuracy").asDouble()).isGreaterThan(0.8);
  }

  @Test
  void kserveV1() {
    Reply status = get("/v1/models/iris");
    assertThat(status.json().path("ready").asBoolean()).isTrue();
    Reply predict = post("/v1/models/iris:predict", "{\"instances\": [" + VIRGINICA + "]}");
    assertThat(predict.json().path("predictions").toString()).isEqualTo("[\"virginica\"]");
    assertError(
        post("/v1/models/other:predict", "{\"instances\": [" + VIRGINICA + "]}"), 404, "'other'");
    assertError(get("/v1/models/other"), 404, "not served here");
  }

  @Test
  void openInferenceProtocolMetadataAndHealth() {
    assertThat(get("/v2").json().path("name").asText()).isEqualTo("modelship-serving-runtime");
    assertThat(get("/v2/health/live").json().path("live").asBoolean()).isTrue();
    assertThat(get("/v2/health/ready").json().path("ready").asBoolean()).isTrue();
    assertThat(get("/v2/models/iris/ready").json().path("ready").asBoolean()).isTrue();
    assertThat(get("/v2/models/iris/versions/1.0.0/ready").status()).isEqualTo(200);
    JsonNode meta = get("/v2/models/iris").json();
    assertThat(meta.path("versions").toString()).isEqualTo("[\"1.0.0\"]");
    assertThat(meta.path("inputs").get(0).path("shape").toString()).isEqualTo("[-1,4]");
    assertThat(meta.path("outputs").get(1).path("shape").toString()).isEqualTo("[-1,3]");
    assertThat(get("/v2/models/iris/versions/1.0.0").status()).isEqualTo(200);
    assertError(get("/v2/models/iris/versions/9.9.9"), 404, "no version '9.9.9'");
    assertError(get("/v2/models/other"), 404, "'other'");
  }

  @Test
  void openInferenceProtocolInferWithBatchShapesAndDatatypes() {
    String body =
        "{\"id\": \"req-7\", \"inputs\": [{\"name\": \"input-0\", \"shape\": [2, 4], \"datatype\":"
            + " \"FP32\", \"data\": ["
            + SETOSA
            + ", "
            + VIRGINICA
            + "]}]}";
    JsonNode out = post("/v2/models/iris/infer", body).json();
    assertThat(out.path("id").asText()).isEqualTo("req-7");
    assertThat(out.path("model_name").asText()).isEqualTo("iris");
    assertThat(out.path("model_version").asText()).isEqualTo("1.0.0");
    JsonNode label = out.path("outputs").get(0);
    assertThat(label.path("name").asText()).isEqualTo("label");
    assertThat(label.path("shape").toString()).isEqualTo("[2]");
    assertThat(label.path("data").toString()).isEqualTo("[\"setosa\",\"virginica\"]");
    JsonNode probabilities = out.path("outputs").get(1);
    assertThat(probabilities.path("datatype").asText()).isEqualTo("FP64");
    assertThat(probabilities.path("shape").toString()).isEqualTo("[2,3]");
    assertThat(probabilities.path("data").size()).isEqualTo(6);

    String flatFp64 =
        "{\"inputs\": [{\"name\": \"x\", \"shape\": [4], \"datatype\": \"FP64\", \"data\": "
            + SETOSA
            + "}], \"outputs\": [{\"name\": \"label\"}]}";
    JsonNode single = post("/v2/models/iris/versions/1.0.0/infer", flatFp64).json();
    assertThat(single.path("outputs").size()).isEqualTo(1);
    assertThat(single.path("outputs").get(0).path("data").toString()).isEqualTo("[\"setosa\"]");

    String ints =
        "{\"inputs\": [{\"name\": \"input-0\", \"shape\": [1, 4], \"datatype\": \"INT32\","
            + " \"data\": [7, 3, 6, 2]}]}";
    assertThat(post("/v2/models/iris/infer", ints).status()).isEqualTo(200);

    String perFeature =
        "{\"inputs\": ["
            + "{\"name\": \"sepal_length\", \"shape\": [2], \"datatype\": \"FP64\", \"data\": [5.1, 6.7]},"
            + "{\"name\": \"sepal_width\", \"shape\": [2], \"datatype\": \"FP64\", \"data\": [3.5, 3.0]},"
            + "{\"name\": \"petal_length\", \"shape\": [2, 1], \"datatype\": \"FP64\", \"data\": [[1.4], [5.2]]},"
            + "{\"name\": \"petal_width\", \"shape\": [2], \"datatype\": \"FP32\", \"data\": [0.2, 2.3]}]}";
    assertThat(
            post("/v2/models/iris/infer", perFeature)
                .json()
                .path("outputs")
                .get(0)
                .path("data")
                .toString())
        .isEqualTo("[\"setosa\",\"virginica\"]");
  }

  @Test
  void metricsExposePrometheusText() {
    post("/predict", "{\"features\": " + SETOSA + "}");
    Reply metrics = get("/metrics");
    assertThat(metrics.status()).isEqualTo(200);
    assertThat(metrics.raw().headers().firstValue("Content-Type").orElse(""))
        .startsWith("text/plain");
    assertThat(metrics.body())
        // Every series names the pod's own model and version, so boards tell canary from stable.
        .contains(
            "modelship_requests_total{endpoint=\"predict\",model=\"iris\",status=\"200\",version=\"1.0.0\"}")
        .contains(
            "modelship_request_duration_seconds_bucket{endpoint=\"predict\",model=\"iris\",version=\"1.0.0\"")
        .contains("modelship_predictions_total{class=\"setosa\",model=\"iris\",version=\"1.0.0\"")
        .contains("modelship_drift_psi{feature=\"petal_length\",model=\"iris\",version=\"1.0.0\"}")
        .contains("modelship_accuracy_rolling{model=\"iris\",version=\"1.0.0\"}")
        .contains("modelship_drift_threshold{model=\"iris\",version=\"1.0.0\"} 0.25")
        .containsPattern(
            "modelship_prediction_confidence_bucket\\{model=\"iris\",version=\"1.0.0\",le=\"1.0\"} [1-9]")
        .contains("modelship_accuracy_rolling")
        .contains("modelship_model_loaded{model=\"iris\",version=\"1.0.0\"} 1.0");
  }

  @Test
  void dashboardIsOneSelfContainedPage() {
    Reply page = get("/");
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.raw().headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
    assertThat(page.body()).contains("<html").doesNotContainPattern("(src|href)=\"https?://");
  }
}
