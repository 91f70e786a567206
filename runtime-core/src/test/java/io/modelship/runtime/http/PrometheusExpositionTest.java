package io.modelship.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelship.api.testing.Promtool;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The runtime's /metrics as Prometheus itself judges it, after the traffic a board shows. */
class PrometheusExpositionTest extends ServingAppTest {

  @Test
  void promtoolFindsNothingToLintAfterPredictionsFeedbackAndErrors() {
    ServingApp fresh = start(Map.of("DRIFT_MIN_SAMPLES", "1", "ACCURACY_MIN_SAMPLES", "1"));
    try {
      JsonNode p =
          post(fresh, "/predict", "{\"features\": [5.1, 3.5, 1.4, 0.2]}", "application/json")
              .json();
      post(
          fresh,
          "/feedback",
          "{\"request_id\": \"" + p.path("request_id").asText() + "\", \"label\": \"setosa\"}",
          "application/json");
      post(fresh, "/predict", "{\"features\": [1]}", "application/json");
      String metrics = get(fresh, "/metrics").body();

      var lint = Promtool.checkMetrics(metrics);
      assertThat(lint.ok()).as(lint.output()).isTrue();
      assertThat(lint.output()).as("promtool check metrics findings").isBlank();
      // Every model series names the pod's own model and version.
      assertThat(
              metrics
                  .lines()
                  .filter(
                      l ->
                          l.startsWith("modelship_")
                              && !l.startsWith("modelship_requests")
                              && !l.startsWith("modelship_request_duration")))
          .isNotEmpty()
          .allSatisfy(l -> assertThat(l).contains("model=\"iris\"").contains("version=\"1.0.0\""));
      assertThat(metrics)
          .contains("modelship_accuracy_samples{model=\"iris\",version=\"1.0.0\"} 1.0");
    } finally {
      fresh.close();
    }
  }
}
