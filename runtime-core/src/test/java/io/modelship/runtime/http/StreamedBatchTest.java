package io.modelship.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Batch bodies are read token by token into arrays; a client sees the same answers and the same
 * error messages, whole and in the same order of precedence, as when the body was a JSON tree.
 */
class StreamedBatchTest extends ServingAppTest {

  private static final String EXPECTS =
      "but the model expects 4 (sepal_length, sepal_width, petal_length, petal_width)";

  static Stream<Arguments> badBatches() {
    return Stream.of(
        Arguments.of(
            "{\"instances\": [[1, 2, 3, 4], [1, 2, 3]]}",
            "'instances'[1] has 3 features " + EXPECTS),
        // the width is checked before the values, as for one row
        Arguments.of(
            "{\"instances\": [[1, 2, \"x\", 4, 5]]}", "'instances'[0] has 5 features " + EXPECTS),
        Arguments.of(
            "{\"instances\": [[1, 2, null, 4]]}",
            "'instances'[0]: feature 'petal_length' must be a number, got null"),
        Arguments.of(
            "{\"instances\": [[1, [2], \"three\", 4]]}",
            "'instances'[0]: feature 'sepal_width' must be a number, got array"),
        Arguments.of(
            "{\"instances\": [[1, 2, 1e999, 4]]}",
            "'instances'[0]: feature 'petal_length' must be a finite number, got Infinity"),
        Arguments.of(
            "{\"instances\": [[1, 2, 3, 4], {\"sepal_length\": 1}]}",
            "'instances'[1] is missing feature(s) [sepal_width, petal_length, petal_width]"),
        Arguments.of(
            "{\"instances\": [[1, 2, 3, 4], 5]}",
            "'instances'[1] must be a list of 4 numbers or an"
                + " object keyed by feature name, got number"),
        // the first bad row is named, not a later one
        Arguments.of(
            "{\"instances\": [[1, 2, 3, 4], [1], [1, 2]]}",
            "'instances'[1] has 1 features " + EXPECTS),
        Arguments.of("{\"instances\": null}", "'instances' is missing"),
        Arguments.of("{\"rows\": [[1, 2, 3, 4]]}", "'instances' is missing"),
        Arguments.of("{\"instances\": []}", "'instances' is an empty batch; send at least one row"),
        // a repeated member is refused: which one would count is a guess
        Arguments.of(
            "{\"instances\": [[1, 2, 3, 4]], \"instances\": 5}",
            "malformed JSON at line 1, column 42: Duplicate field 'instances'"),
        // malformed JSON anywhere in the body wins over a bad row before it
        Arguments.of(
            "{\"instances\": [[1, 2], [1, 2, 3, 4]",
            "malformed JSON at line 1, column 36: Unexpected"
                + " end-of-input: expected close marker for Array"),
        Arguments.of(
            "{\"instances\": [[1, 2]], \"id\": [}",
            "malformed JSON at line 1, column 32: Unexpected" + " close marker '}': expected ']'"),
        Arguments.of(
            "{\"instances\": [[1, 2]]} []",
            "malformed JSON at line 1, column 26: trailing content" + " after the JSON value"),
        Arguments.of("5", "request body must be a JSON object"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badBatches")
  void aBadBatchGetsTheSameWholeMessageOnBothBatchEndpoints(String body, String message) {
    assertExactError(post("/predict_batch", body), 400, message);
    assertExactError(post("/v1/models/iris:predict", body), 400, message);
  }

  @Test
  void aBareListIsABatchForPredictBatchButNotForKServe() {
    Reply bare = post("/predict_batch", "[[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3]]");
    assertThat(bare.status()).isEqualTo(200);
    assertThat(bare.json().path("predictions").toString()).isEqualTo("[\"setosa\",\"virginica\"]");
    assertExactError(
        post("/predict_batch", "[[5.1, 3.5, 1.4, 0.2], [1]]"),
        400,
        "'instances'[1] has 1 features " + EXPECTS);
    assertExactError(
        post("/v1/models/iris:predict", "[[5.1, 3.5, 1.4, 0.2]]"),
        400,
        "request body must be an object like {\"instances\": [[...]]}");
  }

  @Test
  void tooManyRowsIsReportedWithTheirCountBeforeAnyBadRow() {
    ServingApp two = start(Map.of("MAX_BATCH_ROWS", "2"));
    try {
      String body = "{\"instances\": [[1, 2], [5.1, 3.5, 1.4, 0.2], [5.1, 3.5, 1.4, 0.2]]}";
      assertExactError(
          post(two, "/predict_batch", body, "application/json"),
          413,
          "'instances' has 3 rows, over the limit of 2");
      assertThat(
              post(
                      two,
                      "/predict_batch",
                      "{\"instances\": [[5.1, 3.5, 1.4, 0.2], [5.1, 3.5, 1.4, 0.2]]}",
                      "application/json")
                  .status())
          .isEqualTo(200);
    } finally {
      two.close();
    }
  }

  @Test
  void everyRowShapeGetsTheSamePredictionAsOnItsOwn() {
    List<String> rows =
        List.of(
            "[5.1, 3.5, 1.4, 0.2]",
            "[6, 2.2, 4, 1]",
            "[6.7, 3.0, 5.2, 2.3]",
            "{\"petal_width\": 1.8, \"sepal_length\": 5.9, \"petal_length\": 4.8, \"sepal_width\": 3.2}",
            "[5.0E0, 3.4, 1.5, 2e-1]");
    Reply batch =
        post(
            "/predict_batch",
            "{\"model\": \"ignored\", \"instances\": ["
                + String.join(", ", rows)
                + "], \"id\": {\"deep\": [1, 2]}}");
    assertThat(batch.status()).as(batch.body()).isEqualTo(200);
    List<String> fields = new ArrayList<>();
    batch.json().fieldNames().forEachRemaining(fields::add);
    assertThat(fields)
        .containsExactly("predictions", "probabilities", "model", "version", "request_ids");
    for (int i = 0; i < rows.size(); i++) {
      JsonNode one = post("/predict", "{\"features\": " + rows.get(i) + "}").json();
      assertThat(batch.json().path("predictions").get(i)).isEqualTo(one.path("prediction"));
      assertThat(batch.json().path("probabilities").get(i)).isEqualTo(one.path("probabilities"));
    }
    Reply kserve =
        post("/v1/models/iris:predict", "{\"instances\": [" + String.join(", ", rows) + "]}");
    assertThat(kserve.json().path("predictions")).isEqualTo(batch.json().path("predictions"));
    assertThat(kserve.json().path("probabilities")).isEqualTo(batch.json().path("probabilities"));
    assertThat(kserve.json().has("request_ids")).isFalse();
  }

  private static void assertExactError(Reply reply, int status, String message) {
    assertThat(reply.status()).as(reply.body()).isEqualTo(status);
    assertThat(reply.json().path("error").asText()).isEqualTo(message);
  }
}
