package io.modelship.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The iris example after a handful of requests: no verdict yet, and nothing that looks like an
 * alarm.
 */
class InsufficientDataTest extends ServingAppTest {

  @Test
  void aHandfulOfRequestsShowsInsufficientDataNotAnAlert() {
    String[] rows = {
      "[5.1, 3.5, 1.4, 0.2]",
      "[6.7, 3.0, 5.2, 2.3]",
      "[5.9, 3.0, 4.2, 1.5]",
      "[4.9, 3.0, 1.4, 0.2]",
      "[6.3, 3.3, 6.0, 2.5]"
    };
    String firstId = null;
    for (String row : rows) {
      Reply r = post("/predict", "{\"features\": " + row + "}");
      assertThat(r.status()).isEqualTo(200);
      firstId = firstId == null ? r.json().path("request_id").asText() : firstId;
    }
    assertThat(
            post("/feedback", "{\"request_id\": \"" + firstId + "\", \"label\": \"virginica\"}")
                .status())
        .isEqualTo(200);

    JsonNode drift = get("/drift").json();
    assertThat(drift.path("status").asText()).isEqualTo("InsufficientData");
    assertThat(drift.path("minSamples").asInt())
        .isEqualTo(io.modelship.drift.DriftThresholds.DEFAULT_DRIFT_MIN_SAMPLES);
    for (JsonNode f : drift.path("features")) {
      assertThat(f.path("status").asText()).as(f.toString()).isEqualTo("InsufficientData");
    }
    JsonNode stats = get("/model_info").json().path("statistics");
    assertThat(stats.path("drift").path("status").asText()).isEqualTo("InsufficientData");
    assertThat(stats.path("accuracy").path("status").asText()).isEqualTo("InsufficientData");
    assertThat(stats.path("accuracy").path("alert").asBoolean())
        .as("one wrong answer is no alarm")
        .isFalse();

    String metrics = get("/metrics").body();
    assertThat(metrics)
        .contains("modelship_drift_score{model=\"iris\",version=\"1.0.0\"} NaN")
        .contains("modelship_accuracy_drop{model=\"iris\",version=\"1.0.0\"} NaN")
        .contains("modelship_drift_samples{model=\"iris\",version=\"1.0.0\"} 5.0");
  }

  @Test
  void minSamplesAreConfigurableAndChecked() {
    ServingApp eager = start(Map.of("DRIFT_MIN_SAMPLES", "2"));
    try {
      for (int i = 0; i < 2; i++) {
        post(eager, "/predict", "{\"features\": [5.1, 3.5, 1.4, 0.2]}", "application/json");
      }
      assertThat(get(eager, "/drift").json().path("status").asText())
          .isNotEqualTo("InsufficientData");
    } finally {
      eager.close();
    }
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> start(Map.of("DRIFT_MIN_SAMPLES", "5000")))
        .hasMessageContaining(
            "DRIFT_MIN_SAMPLES must be within 0..DRIFT_WINDOW_SIZE (1000), got 5000");
  }
}
