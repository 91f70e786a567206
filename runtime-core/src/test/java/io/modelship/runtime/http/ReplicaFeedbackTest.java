package io.modelship.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelship.api.runtime.RuntimeEnvironment;
import io.modelship.runtime.sink.LabelForwarder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two replicas of one deployment behind a Service: a label reaches whichever replica the Service
 * picks, and the row is still kept — by the replica that predicted it, which holds its features.
 */
class ReplicaFeedbackTest extends ServingAppTest {

  static final String KEY = "k3y-of-this-modeldeployment";

  @TempDir Path tmp;

  ServingApp replica(String pod, Path sink, Map<String, String> extra) {
    var env = new java.util.HashMap<String, String>();
    env.put(RuntimeEnvironment.FEEDBACK_SIGNING_KEY, KEY);
    env.put(RuntimeEnvironment.RETRAINING_SINK, sink.toUri().toString());
    env.put(RuntimeEnvironment.POD_NAME, pod);
    env.put(RuntimeEnvironment.POD_IP, "127.0.0.1");
    env.putAll(extra);
    return start(env);
  }

  /** Predicts {@code n} rows on {@code on}; returns their request ids and predicted labels. */
  static List<String[]> predict(ServingApp on, int n) {
    StringBuilder rows = new StringBuilder("{\"instances\": [");
    for (int i = 0; i < n; i++) {
      rows.append(i == 0 ? "" : ",")
          .append("[")
          .append(4.5 + i * 0.1)
          .append(", 3.0, ")
          .append(1.0 + i * 0.2)
          .append(", 0.5]");
    }
    Reply reply = post(on, "/predict_batch", rows.append("]}").toString(), "application/json");
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    List<String[]> out = new ArrayList<>();
    JsonNode ids = reply.json().get("request_ids");
    JsonNode labels = reply.json().get("predictions");
    for (int i = 0; i < ids.size(); i++) {
      out.add(new String[] {ids.get(i).asText(), labels.get(i).asText()});
    }
    assertThat(out).hasSize(n);
    return out;
  }

  static Reply label(ServingApp to, String requestId, String label) {
    return post(
        to,
        "/feedback",
        "{\"request_id\": \"" + requestId + "\", \"label\": \"" + label + "\"}",
        "application/json");
  }

  static List<String> rows(Path dir) throws Exception {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(dir)) {
      List<String> lines = new ArrayList<>();
      for (Path f : files.filter(f -> f.toString().endsWith(".csv")).sorted().toList()) {
        List<String> all = Files.readAllLines(f);
        lines.addAll(all.subList(1, all.size())); // without the header
      }
      return lines;
    }
  }

  static double metric(ServingApp on, String line) {
    return metricWithToken(on, line, null);
  }

  @Test
  void aLabelSentToAnotherReplicaKeepsTheRowWhereItWasPredicted() throws Exception {
    Path sinkA = tmp.resolve("a");
    Path sinkB = tmp.resolve("b");
    ServingApp a = replica("iris-a", sinkA, Map.of());
    ServingApp b = replica("iris-b", sinkB, Map.of());
    try {
      List<String[]> predicted = predict(a, 30);
      assertThat(predicted.getFirst()[0])
          .as("the id names its replica masked, never as 127.0.0.1's hex")
          .doesNotContain("7f000001");
      for (String[] p : predicted) {
        Reply r = label(b, p[0], "setosa");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
      }
      // scored where it arrived
      assertThat(get(b, "/model_info").json().at("/statistics/accuracy/totalFeedback").asInt())
          .isEqualTo(30);
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> metric(b, "modelship_retraining_labels_forwarded_total") == 30);
      // the same label sent again, now to the pod that predicted: already scored (by B)
      Reply repeat = label(a, predicted.getFirst()[0], "setosa");
      assertThat(repeat.json().get("outcome").asText()).isEqualTo("Duplicate");
      assertThat(get(a, "/model_info").json().at("/statistics/accuracy/totalFeedback").asInt())
          .isZero();
    } finally {
      a.close();
      b.close();
    }
    List<String> keptByA = rows(sinkA);
    assertThat(keptByA).hasSize(30);
    assertThat(keptByA.getFirst())
        .startsWith("4.5,3.0,1.0,0.5," + predicted0(keptByA) + ",setosa,");
    assertThat(rows(sinkB)).as("B had no features to keep").isEmpty();
  }

  private static String predicted0(List<String> kept) {
    return kept.getFirst().split(",")[4];
  }

  @Test
  void aReplicaThatIsGoneCostsCountedRowsNeverTheFeedback() {
    ServingApp a = replica("iris-a", tmp.resolve("a"), Map.of());
    ServingApp b = replica("iris-b", tmp.resolve("b"), Map.of());
    try {
      List<String[]> predicted = predict(a, 10);
      a.close();
      for (String[] p : predicted) {
        assertThat(label(b, p[0], "virginica").status()).isEqualTo(200);
      }
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  metric(b, "modelship_retraining_sink_rows_total{outcome=\"unreachable\"}") == 10);
      assertThat(metric(b, "modelship_retraining_labels_forwarded_total")).isZero();
      assertThat(get(b, "/model_info").json().at("/statistics/accuracy/totalFeedback").asInt())
          .isEqualTo(10);
    } finally {
      b.close();
    }
  }

  @Test
  void onlyAReplicaWithTheKeyCanHandOverLabels() throws Exception {
    Path sinkA = tmp.resolve("a");
    ServingApp a = replica("iris-a", sinkA, Map.of());
    try {
      String id = predict(a, 1).getFirst()[0];
      byte[] body =
          ("{\"labels\": [{\"request_id\": \"" + id + "\", \"label\": \"setosa\"}]}")
              .getBytes(StandardCharsets.UTF_8);
      Reply unsigned = forwarded(a, body, null);
      assertThat(unsigned.status()).isEqualTo(403);
      assertThat(unsigned.body()).contains("signature does not match");
      Reply wrongKey =
          forwarded(
              a,
              body,
              LabelForwarder.sign(
                  "another-deployments-key".getBytes(StandardCharsets.UTF_8), body));
      assertThat(wrongKey.status()).isEqualTo(403);

      Reply signed =
          forwarded(a, body, LabelForwarder.sign(KEY.getBytes(StandardCharsets.UTF_8), body));
      assertThat(signed.status()).as(signed.body()).isEqualTo(200);
      assertThat(signed.json().get("kept").asInt()).isEqualTo(1);
      // the row is taken once: a replay keeps nothing more, and loses nothing either
      Reply again =
          forwarded(a, body, LabelForwarder.sign(KEY.getBytes(StandardCharsets.UTF_8), body));
      assertThat(again.json().get("kept").asInt()).isZero();
      assertThat(again.json().get("duplicate").asInt()).isEqualTo(1);
      assertThat(again.json().get("notRemembered").asInt()).isZero();
    } finally {
      a.close();
    }
    assertThat(rows(sinkA)).hasSize(1);
  }

  @Test
  void aHandOverNeedsNoBearerTokenAndSpendsNoneOfTheClientsRateLimit() throws Exception {
    Path sinkA = tmp.resolve("a");
    // A: a token and 1 request/s, which the client's prediction below uses up
    ServingApp a = replica("iris-a", sinkA, Map.of("AUTH_TOKEN", "t0ken-a", "RATE_LIMIT_RPS", "1"));
    ServingApp b = replica("iris-b", tmp.resolve("b"), Map.of("AUTH_TOKEN", "t0ken-a"));
    try {
      Reply predicted =
          send(
              a,
              HttpRequest.newBuilder(uri(a, "/predict_batch"))
                  .header("Content-Type", "application/json")
                  .header("Authorization", "Bearer t0ken-a")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"instances\": [[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3]]}"))
                  .build());
      assertThat(predicted.status()).as(predicted.body()).isEqualTo(200);
      for (JsonNode id : predicted.json().get("request_ids")) {
        Reply r =
            send(
                b,
                HttpRequest.newBuilder(uri(b, "/feedback"))
                    .header("Content-Type", "application/json")
                    .header("Authorization", "Bearer t0ken-a")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "{\"request_id\": \"" + id.asText() + "\", \"label\": \"setosa\"}"))
                    .build());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
      }
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  metricWithToken(b, "modelship_retraining_labels_forwarded_total", "t0ken-a")
                      == 2);
      assertThat(
              metricWithToken(
                  b, "modelship_retraining_sink_rows_total{outcome=\"unreachable\"}", "t0ken-a"))
          .isZero();
    } finally {
      a.close();
      b.close();
    }
    assertThat(rows(sinkA)).hasSize(2);
  }

  @Test
  void aLabelKeptAlreadyOrForAnIdThatNamesNoReplicaIsNotCountedTwice() {
    ServingApp a = replica("iris-a", tmp.resolve("a"), Map.of());
    ServingApp b = replica("iris-b", tmp.resolve("b"), Map.of());
    // C has no POD_IP (outside a cluster): its ids name no replica to hand a label to
    ServingApp c =
        start(
            Map.of(
                RuntimeEnvironment.FEEDBACK_SIGNING_KEY,
                KEY,
                RuntimeEnvironment.RETRAINING_SINK,
                tmp.resolve("c").toUri().toString()));
    try {
      String id = predict(a, 1).getFirst()[0];
      assertThat(label(a, id, "setosa").status()).isEqualTo(200); // kept by A itself
      assertThat(label(b, id, "setosa").status()).isEqualTo(200); // a retry through the Service
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> metric(b, "modelship_retraining_labels_forwarded_total") == 1);
      assertThat(metric(a, "modelship_retraining_sink_rows_total{outcome=\"forgotten\"}"))
          .as("a repeat is not a lost row")
          .isZero();

      String homeless = predict(c, 1).getFirst()[0];
      assertThat(homeless.split("-")[0]).hasSize(8);
      assertThat(label(b, homeless, "setosa").status()).isEqualTo(200);
      assertThat(metric(b, "modelship_retraining_sink_rows_total{outcome=\"unreachable\"}"))
          .as("scored by B, but no replica to keep its row: counted at once")
          .isEqualTo(1);
    } finally {
      a.close();
      b.close();
      c.close();
    }
  }

  static double metricWithToken(ServingApp on, String line, String token) {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri(on, "/metrics")).GET();
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    Reply r = send(on, request.build());
    for (String l : r.body().split("\n")) {
      if (l.startsWith(line + " ")) {
        return Double.parseDouble(l.substring(line.length() + 1));
      }
    }
    return -1;
  }

  static Reply forwarded(ServingApp to, byte[] body, String signature) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri(to, LabelForwarder.PATH))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (signature != null) {
      b.header(LabelForwarder.SIGNATURE_HEADER, signature);
    }
    return send(to, b.build());
  }
}
