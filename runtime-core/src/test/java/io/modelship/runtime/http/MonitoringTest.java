package io.modelship.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelship.runtime.TestModels;
import io.modelship.runtime.training.LabeledTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Drift, accuracy and counters measured over real traffic. */
class MonitoringTest extends ServingAppTest {

  private static final LabeledTable IRIS = LabeledTable.read(TestModels.IRIS_CSV, "species", null);

  private static String batch(double petalLengthShift, int from, int to) {
    StringBuilder b = new StringBuilder("{\"instances\": [");
    for (int i = from; i < to; i++) {
      double[] r = IRIS.rows()[i % IRIS.size()];
      b.append(i > from ? "," : "")
          .append('[')
          .append(r[0])
          .append(',')
          .append(r[1])
          .append(',')
          .append(r[2] + petalLengthShift)
          .append(',')
          .append(r[3])
          .append(']');
    }
    return b.append("]}").toString();
  }

  @Test
  void driftFlagsExactlyTheShiftedFeature() {
    ServingApp fresh = start(Map.of("DRIFT_WINDOW_SIZE", "300"));
    try {
      post(fresh, "/predict_batch", batch(0, 0, 300), "application/json");
      JsonNode baseline = get(fresh, "/drift").json();
      assertThat(baseline.path("samples").asLong()).isEqualTo(300);
      for (JsonNode f : baseline.path("features")) {
        assertThat(f.path("status").asText()).as(f.toString()).isEqualTo("Normal");
      }

      post(fresh, "/predict_batch", batch(4.0, 0, 300), "application/json");
      JsonNode drifted = get(fresh, "/drift").json();
      assertThat(drifted.path("status").asText()).isEqualTo("Alert");
      assertThat(drifted.path("samples").asLong()).isEqualTo(300);
      for (JsonNode f : drifted.path("features")) {
        String expected = f.path("name").asText().equals("petal_length") ? "Alert" : "Normal";
        assertThat(f.path("status").asText()).as(f.toString()).isEqualTo(expected);
      }
      JsonNode petal = drifted.path("features").get(2);
      assertThat(petal.path("psi").asDouble()).isGreaterThan(0.25);
      assertThat(petal.path("ks").asDouble()).isGreaterThan(0.3);
    } finally {
      fresh.close();
    }
  }

  @Test
  void feedbackKeepsRollingAccuracy() {
    ServingApp fresh = start(Map.of());
    try {
      int correct = 0;
      int total = 0;
      for (int i = 0; i < IRIS.size(); i += 5) {
        double[] r = IRIS.rows()[i];
        JsonNode p =
            post(
                    fresh,
                    "/predict",
                    "{\"features\": [" + r[0] + "," + r[1] + "," + r[2] + "," + r[3] + "]}",
                    "application/json")
                .json();
        String truth = IRIS.labelValues().get(i);
        Reply fb =
            post(
                fresh,
                "/feedback",
                "{\"request_id\": \""
                    + p.path("request_id").asText()
                    + "\", \"label\": \""
                    + truth
                    + "\"}",
                "application/json");
        assertThat(fb.status()).isEqualTo(200);
        boolean right = truth.equals(p.path("prediction").asText());
        assertThat(fb.json().path("correct").asBoolean()).isEqualTo(right);
        correct += right ? 1 : 0;
        total++;
      }
      JsonNode accuracy = get(fresh, "/model_info").json().path("statistics").path("accuracy");
      assertThat(accuracy.path("windowCount").asInt()).isEqualTo(total);
      assertThat(accuracy.path("accuracy").asDouble()).isEqualTo((double) correct / total);
      assertThat(accuracy.path("drop").asDouble())
          .isCloseTo(
              accuracy.path("trainingAccuracy").asDouble() - (double) correct / total,
              org.assertj.core.data.Offset.offset(1e-12));
    } finally {
      fresh.close();
    }
  }

  @Test
  void signedIdsAreScoredOnAnyReplicaOnceAndForgedOnesRefused() {
    Map<String, String> key = Map.of("FEEDBACK_SIGNING_KEY", "k3y-of-this-modeldeployment");
    ServingApp a = start(key);
    ServingApp b = start(key);
    ServingApp other = start(Map.of("FEEDBACK_SIGNING_KEY", "another-deployment-key"));
    try {
      JsonNode p =
          post(a, "/predict", "{\"features\": [6.7, 3.0, 5.2, 2.3]}", "application/json").json();
      String id = p.path("request_id").asText();
      String feedback = "{\"request_id\": \"" + id + "\", \"label\": \"setosa\"}";
      Reply onB = post(b, "/feedback", feedback, "application/json");
      assertThat(onB.status()).isEqualTo(200);
      assertThat(onB.json().path("outcome").asText()).isEqualTo("Recorded");
      assertThat(onB.json().path("predicted").asText()).isEqualTo(p.path("prediction").asText());
      assertThat(onB.json().path("correct").asBoolean()).isFalse();
      Reply again = post(b, "/feedback", feedback, "application/json");
      assertThat(again.status()).isEqualTo(200);
      assertThat(again.json().path("outcome").asText()).isEqualTo("Duplicate");
      JsonNode accuracy = get(b, "/model_info").json().path("statistics").path("accuracy");
      assertThat(accuracy.path("windowCount").asInt()).as("a repeated id counts once").isEqualTo(1);
      assertThat(accuracy.path("duplicateFeedback").asInt()).isEqualTo(1);

      // the same id claiming another predicted class: the signature no longer matches
      String[] parts = id.split("-");
      String forged =
          parts[0] + "-" + parts[1] + "-" + (parts[2].equals("0") ? "1" : "0") + "-" + parts[3];
      assertError(
          post(
              b,
              "/feedback",
              "{\"request_id\": \"" + forged + "\", \"label\": \"setosa\"}",
              "application/json"),
          400,
          "was not issued by this deployment's model version 1.0.0 (its signature does not match");
      assertError(
          post(
              b,
              "/feedback",
              "{\"request_id\": \"zz-1-9\", \"label\": \"setosa\"}",
              "application/json"),
          400,
          "was not issued by this deployment");
      assertError(
          post(other, "/feedback", feedback, "application/json"),
          400,
          "not issued by this deployment");
      assertThat(
              get(b, "/model_info")
                  .json()
                  .path("statistics")
                  .path("accuracy")
                  .path("windowCount")
                  .asInt())
          .as("refused feedback changes nothing")
          .isEqualTo(1);
    } finally {
      a.close();
      b.close();
      other.close();
    }
  }

  @Test
  void anotherVersionsIdIsRefusedSoACanaryIsNotScoredOnTheStableVersionsAnswers(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws java.io.IOException {
    java.nio.file.Path v2 = io.modelship.runtime.TestModels.irisCopy(tmp);
    java.nio.file.Path manifest = v2.resolve("model.json");
    String json = java.nio.file.Files.readString(manifest);
    assertThat(json).contains("\"version\" : \"1.0.0\"");
    java.nio.file.Files.writeString(
        manifest, json.replace("\"version\" : \"1.0.0\"", "\"version\" : \"2.0.0\""));
    Map<String, String> key = Map.of("FEEDBACK_SIGNING_KEY", "k3y-of-this-modeldeployment");
    ServingApp stable = start(key);
    var canaryEnv = new java.util.HashMap<>(key);
    canaryEnv.put("MODEL_URI", v2.toString());
    ServingApp canary = start(canaryEnv);
    try {
      JsonNode p =
          post(stable, "/predict", "{\"features\": [6.7, 3.0, 5.2, 2.3]}", "application/json")
              .json();
      assertThat(p.path("version").asText()).isEqualTo("1.0.0");
      String feedback =
          "{\"request_id\": \"" + p.path("request_id").asText() + "\", \"label\": \"setosa\"}";
      assertError(
          post(canary, "/feedback", feedback, "application/json"),
          400,
          "not issued by this deployment's model version 2.0.0");
      assertThat(
              get(canary, "/model_info")
                  .json()
                  .path("statistics")
                  .path("accuracy")
                  .path("windowCount")
                  .asInt())
          .as("the stable version's answer is not the canary's accuracy")
          .isZero();
      assertThat(post(stable, "/feedback", feedback, "application/json").status()).isEqualTo(200);
    } finally {
      stable.close();
      canary.close();
    }
  }

  @Test
  void withoutAKeyOnlyTheReplicasOwnIdsAreAccepted() {
    ServingApp a = start(Map.of());
    ServingApp b = start(Map.of());
    try {
      String id =
          post(a, "/predict", "{\"features\": [6.7, 3.0, 5.2, 2.3]}", "application/json")
              .json()
              .path("request_id")
              .asText();
      String feedback = "{\"request_id\": \"" + id + "\", \"label\": \"setosa\"}";
      assertError(
          post(b, "/feedback", feedback, "application/json"),
          400,
          "was not issued by this replica; without FEEDBACK_SIGNING_KEY");
      assertThat(post(a, "/feedback", feedback, "application/json").json().path("outcome").asText())
          .isEqualTo("Recorded");
      assertThat(post(a, "/feedback", feedback, "application/json").json().path("outcome").asText())
          .isEqualTo("Duplicate");
    } finally {
      a.close();
      b.close();
    }
  }

  @Test
  void concurrentClientsAddUpExactly() throws Exception {
    ServingApp fresh = start(Map.of());
    int clients = 16;
    int perClient = 50;
    try (ExecutorService pool = Executors.newFixedThreadPool(clients)) {
      List<Future<Integer>> results = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        int client = c;
        results.add(
            pool.submit(
                () -> {
                  int ok = 0;
                  for (int i = 0; i < perClient; i++) {
                    // every fifth request is garbage: it must be refused and not counted as a
                    // prediction
                    String body =
                        (client + i) % 5 == 0 ? "{\"features\": [1, 2]}" : batch(0, i, i + 2);
                    Reply r =
                        post(
                            fresh,
                            (client + i) % 5 == 0 ? "/predict" : "/predict_batch",
                            body,
                            "application/json");
                    ok += r.status() == 200 ? 1 : 0;
                  }
                  return ok;
                }));
      }
      int ok = 0;
      for (Future<Integer> f : results) {
        ok += f.get();
      }
      int total = clients * perClient;
      int bad = total - ok;
      assertThat(bad).isEqualTo(total / 5);
      JsonNode stats = get(fresh, "/model_info").json().path("statistics");
      assertThat(stats.path("predictions").asLong()).isEqualTo(2L * ok);
      long classSum = 0;
      for (JsonNode n : stats.path("classes")) {
        classSum += n.asLong();
      }
      assertThat(classSum).isEqualTo(2L * ok);
      assertThat(stats.path("errors").asLong()).isEqualTo(bad);
      assertThat(stats.path("requests").asLong())
          .as("prediction traffic only, not probes or /model_info")
          .isEqualTo(total);
      String metrics = get(fresh, "/metrics").body();
      assertThat(metrics)
          .contains(
              "modelship_requests_total{endpoint=\"predict_batch\",model=\"iris\",status=\"200\",version=\"1.0.0\"} "
                  + ok
                  + ".0");
      assertThat(metrics)
          .contains(
              "modelship_requests_total{endpoint=\"predict\",model=\"iris\",status=\"400\",version=\"1.0.0\"} "
                  + bad
                  + ".0");
    } finally {
      fresh.close();
    }
  }

  @Test
  void drainingFailsReadinessButFinishesServing() {
    ServingApp fresh = start(Map.of());
    try {
      fresh.runtime().startDraining();
      assertError(get(fresh, "/ready"), 503, "shutting down");
      assertThat(
              post(fresh, "/predict", "{\"features\": [5.1, 3.5, 1.4, 0.2]}", "application/json")
                  .status())
          .isEqualTo(200);
    } finally {
      fresh.close();
    }
  }

  @Test
  void aModelThatFailsToLoadLeavesTheServerUpAndSaysWhy() {
    ServingApp broken = start(Map.of("MODEL_URI", "/nonexistent/model.tar.gz"));
    try {
      assertThat(get(broken, "/health").status()).isEqualTo(200);
      assertError(get(broken, "/ready"), 503, "model failed to load", "not found");
      assertError(
          post(broken, "/predict", "{\"features\": [1, 2, 3, 4]}", "application/json"),
          503,
          "model failed to load");
    } finally {
      broken.close();
    }
  }
}
