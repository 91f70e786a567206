package io.modelship.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Garbage in gets a clear 4xx naming the problem, and never disturbs the server or its statistics.
 */
class BadInputTest extends ServingAppTest {

  static Stream<Arguments> badRequests() {
    String json = "application/json";
    return Stream.of(
        Arguments.of("/predict", "{\"features\": [5.1, 3.5", json, 400, "malformed JSON"),
        Arguments.of("/predict", "", json, 400, "empty"),
        Arguments.of(
            "/predict",
            "{\"features\": [1, 2, 3]}",
            json,
            400,
            "has 3 features but the model expects 4"),
        Arguments.of("/predict", "{\"features\": [1, 2, 3, 4, 5]}", json, 400, "expects 4"),
        Arguments.of(
            "/predict",
            "{\"features\": {\"sepal_length\": 1, \"sepal_width\": 2, \"petal_length\": 3,"
                + " \"petal_width\": 4, \"colour\": 1}}",
            json,
            400,
            "unknown feature(s) [colour]"),
        Arguments.of(
            "/predict",
            "{\"features\": {\"sepal_length\": 1}}",
            json,
            400,
            "missing feature(s) [sepal_width, petal_length, petal_width]"),
        Arguments.of(
            "/predict",
            "{\"features\": [1, 2, \"three\", 4]}",
            json,
            400,
            "'petal_length' must be a number, got the string \"three\""),
        Arguments.of(
            "/predict", "{\"features\": [1, 2, null, 4]}", json, 400, "must be a number, got null"),
        Arguments.of("/predict", "{\"features\": [1, 2, NaN, 4]}", json, 400, "malformed JSON"),
        Arguments.of("/predict", "{\"features\": [1, 2, 1e999, 4]}", json, 400, "finite number"),
        Arguments.of("/predict", "{\"rows\": [1, 2, 3, 4]}", json, 400, "'features' is missing"),
        Arguments.of(
            "/predict", "{\"features\": \"1,2,3,4\"}", json, 400, "must be a list of 4 numbers"),
        Arguments.of("/predict", "[1, 2, 3, 4]", json, 400, "must be an object"),
        Arguments.of(
            "/predict",
            "{\"features\": [1, 2, 3, 4]}",
            "text/plain",
            415,
            "Content-Type must be application/json"),
        Arguments.of("/predict", "{\"features\": [1, 2, 3, 4]}", null, 415, "got none"),
        Arguments.of(
            "/predict", "{\"features\": [1, 2, 3, 4]} trailing", json, 400, "malformed JSON"),
        Arguments.of("/predict_batch", "{\"instances\": []}", json, 400, "empty batch"),
        Arguments.of(
            "/predict_batch",
            "{\"instances\": [[1, 2, 3, 4], [1, 2]]}",
            json,
            400,
            "'instances'[1] has 2 features"),
        Arguments.of("/predict_batch", "{\"instances\": 5}", json, 400, "must be a list of rows"),
        Arguments.of(
            "/v1/models/iris:explain",
            "{\"instances\": [[1, 2, 3, 4]]}",
            json,
            404,
            "unknown KServe V1 verb"),
        Arguments.of(
            "/v2/models/nope/infer",
            "{\"inputs\": []}",
            json,
            404,
            "model 'nope' is not served here"),
        Arguments.of(
            "/v2/models/iris/infer", "{\"inputs\": []}", json, 400, "non-empty list of tensors"),
        Arguments.of(
            "/v2/models/iris/infer",
            "{\"inputs\": [{\"name\": \"input-0\", \"shape\": [1, 4],"
                + " \"datatype\": \"BYTES\", \"data\": [\"a\", \"b\", \"c\", \"d\"]}]}",
            json,
            400,
            "unsupported datatype 'BYTES'"),
        Arguments.of(
            "/v2/models/iris/infer",
            "{\"inputs\": [{\"name\": \"input-0\", \"shape\": [1, 4],"
                + " \"datatype\": \"INT8\", \"data\": [1, 2, 3, 1000]}]}",
            json,
            400,
            "input 'input-0' value 3 (1000) is not a INT8 (outside -128..127)"),
        Arguments.of(
            "/v2/models/iris/infer",
            "{\"inputs\": [{\"name\": \"input-0\", \"shape\": [1, 4],"
                + " \"datatype\": \"UINT64\", \"data\": [1, 2, 3, -1]}]}",
            json,
            400,
            "input 'input-0' value 3 (-1) is not a UINT64 (outside 0..18446744073709551615)"),
        Arguments.of(
            "/v2/models/iris/infer",
            "{\"inputs\": [{\"name\": \"input-0\", \"shape\": [1, 4],"
                + " \"datatype\": \"UINT8\", \"data\": [1, 2, 3, 256]}]}",
            json,
            400,
            "input 'input-0' value 3 (256) is not a UINT8 (outside 0..255)"),
        Arguments.of(
            "/v2/models/iris/infer",
            "{\"inputs\": [{\"name\": \"input-0\", \"shape\": [1, 4],"
                + " \"datatype\": \"INT32\", \"data\": [1, 2, 3, 1.5]}]}",
            json,
            400,
            "input 'input-0' value 3 (1.5) is not a INT32 (not a whole number)"),
        Arguments.of(
            "/v2/models/iris/infer",
            "{\"inputs\": [{\"name\": \"input-0\", \"shape\": [1, 4],"
                + " \"datatype\": \"FP32\", \"data\": [1, 2, 3, 1e300]}]}",
            json,
            400,
            "input 'input-0' value 3 (1.0E300) is outside the FP32 range"),
        Arguments.of(
            "/v2/models/iris/infer",
            "{\"inputs\": [{\"name\": \"input-0\", \"shape\": [1, 4],"
                + " \"datatype\": \"FP16\", \"data\": [1, 2, 3, 70000]}]}",
            json,
            400,
            "unsupported datatype 'FP16'"),
        Arguments.of(
            "/v2/models/iris/infer",
            "{\"inputs\": [], \"inputs\": []}",
            json,
            400,
            "Duplicate field 'inputs'"),
        Arguments.of(
            "/v2/models/iris/infer",
            "{\"inputs\": [{\"name\": \"input-0\", \"shape\": [2, 4],"
                + " \"datatype\": \"FP64\", \"data\": [1, 2, 3, 4]}]}",
            json,
            400,
            "(8 values) but its data holds 4"),
        Arguments.of(
            "/v2/models/iris/infer",
            "{\"inputs\": [{\"name\": \"input-0\", \"shape\":"
                + " [9223372036854775807, 2], \"datatype\": \"FP64\", \"data\": [1]}]}",
            json,
            400,
            "impossibly large shape"),
        Arguments.of(
            "/v2/models/iris/infer",
            "{\"inputs\": [{\"name\": \"input-0\", \"shape\": [1, 3],"
                + " \"datatype\": \"FP64\", \"data\": [1, 2, 3]}]}",
            json,
            400,
            "takes [rows, 4]"),
        Arguments.of(
            "/v2/models/iris/infer",
            "{\"inputs\": [{\"name\": \"input-0\", \"shape\": [1, 4],"
                + " \"datatype\": \"FP64\", \"data\": [1, 2, 3, 4]}], \"outputs\": [{\"name\": \"logits\"}]}",
            json,
            400,
            "unknown output 'logits'"),
        Arguments.of("/feedback", "{\"label\": \"setosa\"}", json, 400, "'request_id' is required"),
        Arguments.of(
            "/feedback",
            "{\"request_id\": \"nope\", \"label\": \"setosa\"}",
            json,
            404,
            "unknown or expired request_id"),
        Arguments.of(
            "/feedback",
            "{\"request_id\": \"x\", \"label\": \"rose\"}",
            json,
            400,
            "label 'rose' is not one of the model's labels"));
  }

  @ParameterizedTest(name = "{0} {1} -> {3}")
  @MethodSource("badRequests")
  void answersWithAClearErrorAndKeepsServing(
      String path, String body, String type, int status, String message) {
    long predictionsBefore = predictions();
    assertError(post(app, path, body, type), status, message);
    assertThat(predictions())
        .as("statistics untouched by a refused request")
        .isEqualTo(predictionsBefore);
    Reply good = post("/predict", "{\"features\": [5.1, 3.5, 1.4, 0.2]}");
    assertThat(good.status()).isEqualTo(200);
    assertThat(good.json().path("prediction").asText()).isEqualTo("setosa");
  }

  @Test
  void oversizeBodiesGet413AndTheLimitIsConfigurable() {
    ServingApp small = start(Map.of("MAX_BODY_BYTES", "1000"));
    try {
      String big =
          "{\"instances\": [" + "[5.1, 3.5, 1.4, 0.2],".repeat(100) + "[5.1, 3.5, 1.4, 0.2]]}";
      assertError(
          post(small, "/predict_batch", big, "application/json"),
          413,
          "larger than the limit of 1000");
      assertThat(
              post(small, "/predict", "{\"features\": [5.1, 3.5, 1.4, 0.2]}", "application/json")
                  .status())
          .isEqualTo(200);
    } finally {
      small.close();
    }
    String nineMiB = "{\"features\": [" + " ".repeat(9 * 1024 * 1024) + "1, 2, 3, 4]}";
    assertError(post("/predict", nineMiB), 413, "larger than the limit of 8388608");
  }

  @Test
  void unknownPathsAndMethodsAnswerInJson() {
    assertError(get("/nothing-here"), 404, "not found");
    Reply wrongMethod =
        send(app, java.net.http.HttpRequest.newBuilder(uri(app, "/predict")).DELETE().build());
    assertThat(wrongMethod.status()).isEqualTo(405);
    assertThat(wrongMethod.json().has("error")).isTrue();
  }

  private static long predictions() {
    return get("/model_info").json().path("statistics").path("predictions").asLong();
  }
}
