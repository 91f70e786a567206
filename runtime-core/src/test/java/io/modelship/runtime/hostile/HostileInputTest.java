package io.modelship.runtime.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelship.runtime.TestModels;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Floods of hostile bodies against a real {@code serve} process on a heap smaller than a pod's
 * default (the image gives the JVM 40% of the limit: 154 MiB at the default 384Mi): 16 of each
 * kind, 48 bodies of three kinds in flight at any moment. Every one gets a 4xx naming the problem,
 * the process never runs out of memory (it would exit: {@code -XX:+ExitOnOutOfMemoryError}, as in
 * the pod), and afterwards it answers correctly with statistics that count exactly what was sent.
 */
class HostileInputTest {

  static final String HEAP = "-Xmx128m";
  static final int EACH = 16;
  static final int LIMIT = 8 * 1024 * 1024;
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path tmp;
  static Process process;
  static Path log;
  static int port;
  static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(60)).build();

  @BeforeAll
  static void startServer() throws Exception {
    String java = ProcessHandle.current().info().command().orElseThrow();
    ProcessBuilder builder =
        new ProcessBuilder(
            List.of(
                java,
                HEAP,
                "-XX:+UseSerialGC",
                "-XX:+ExitOnOutOfMemoryError",
                "-cp",
                System.getProperty("java.class.path"),
                "io.modelship.runtime.cli.Main",
                "serve",
                "--model",
                TestModels.irisDirectory().toString(),
                "--host",
                "127.0.0.1",
                "--port",
                "0"));
    log = tmp.resolve("serve.log");
    builder.redirectErrorStream(true).redirectOutput(log.toFile());
    process = builder.start();
    Pattern serving = Pattern.compile("serving .* on http://127.0.0.1:(\\d+)");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    port = -1;
    while (port < 0) {
      Matcher m = serving.matcher(Files.readString(log));
      if (m.find()) {
        port = Integer.parseInt(m.group(1));
      } else {
        assertThat(process.isAlive()).as(Files.readString(log)).isTrue();
        assertThat(System.nanoTime()).as("serve starts").isLessThan(deadline);
        Thread.sleep(50);
      }
    }
    while (get("/ready").statusCode() != 200) {
      assertThat(System.nanoTime()).as("model loads").isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  @AfterAll
  static void stopServer() {
    if (process != null) {
      process.destroyForcibly();
    }
  }

  /**
   * A body of exactly {@code size} bytes: {@code head}, then {@code unit} repeated, then {@code
   * tail}.
   */
  static byte[] filled(String head, String unit, String separator, String tail, int size) {
    StringBuilder b = new StringBuilder(size).append(head).append(unit);
    while (b.length() + separator.length() + unit.length() + tail.length() <= size) {
      b.append(separator).append(unit);
    }
    b.append(tail);
    while (b.length() < size) {
      b.insert(head.length(), ' ');
    }
    return b.toString().getBytes(StandardCharsets.US_ASCII);
  }

  record Flood(String name, String path, byte[] body, int status, String message) {}

  static List<Flood> floods() {
    return List.of(
        new Flood(
            "8 MiB of empty rows",
            "/predict_batch",
            filled("{\"instances\":[", "[]", ",", "]}", LIMIT),
            413,
            "more than 90256 JSON values"),
        new Flood(
            "one 8 MiB row",
            "/predict_batch",
            filled("{\"instances\":[[", "1.5", ",", "]]}", LIMIT),
            413,
            "takes at most 10000 rows of 4 features"),
        new Flood(
            "one 8 MiB feature list on /predict",
            "/predict",
            filled("{\"features\":[", "0", ",", "]}", LIMIT),
            413,
            "takes one row of 4 features"),
        new Flood(
            "8 MiB of empty objects",
            "/v1/models/iris:predict",
            filled("{\"instances\":[", "{}", ",", "]}", LIMIT),
            413,
            "JSON values"),
        new Flood(
            "one 8 MiB tensor",
            "/v2/models/iris/infer",
            filled(
                "{\"inputs\":[{\"name\":\"input-0\",\"shape\":[1,4],\"datatype\":\"FP64\",\"data\":[",
                "2.5",
                ",",
                "]}]}",
                LIMIT),
            413,
            "JSON values"),
        new Flood(
            "8 MiB of nesting", "/predict_batch", filled("", "[", "", "", LIMIT), 400, "nest"),
        new Flood(
            "an 8 MiB string",
            "/predict",
            filled("{\"features\":\"", "a", "", "\"}", LIMIT),
            400,
            "String value length"),
        new Flood(
            "an 8 MiB feedback id",
            "/feedback",
            filled("{\"label\":\"setosa\",\"request_id\":\"", "x", "", "\"}", LIMIT),
            400,
            "String value length"),
        new Flood(
            "9 MiB",
            "/predict_batch",
            filled("{\"instances\":[", "[5.1,3.5,1.4,0.2]", ",", "]}", 9 * 1024 * 1024),
            413,
            "larger than the limit of 8388608 bytes"));
  }

  @Test
  void floodsOfHostileBodiesGet4xxAndTheServerStaysExact() throws Exception {
    List<Flood> floods = floods();
    JsonNode before = modelInfo().path("statistics");
    List<Future<HttpResponse<String>>> answers = new ArrayList<>();
    List<Flood> sent = new ArrayList<>();
    // Three kinds' worth (48 bodies, 16 of each) in flight at any moment, all kinds interleaved:
    // more at once only measures the load generator on this 2-core machine.
    java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(3 * EACH);
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < EACH; i++) {
        for (Flood flood : floods) {
          sent.add(flood);
          answers.add(
              pool.submit(
                  () -> {
                    inFlight.acquire();
                    try {
                      return post(flood.path(), flood.body());
                    } finally {
                      inFlight.release();
                    }
                  }));
        }
      }
    }
    Map<String, Integer> seen = new TreeMap<>();
    for (int i = 0; i < answers.size(); i++) {
      Flood flood = sent.get(i);
      HttpResponse<String> answer;
      try {
        answer = answers.get(i).get();
      } catch (java.util.concurrent.ExecutionException e) {
        // A body declared over the limit is refused at once, unread, and its connection closed:
        // a client still uploading may see the close before the 413 (the server counted a 413).
        if (flood.status() == 413
            && flood.body().length > LIMIT
            && e.getCause() instanceof java.io.IOException) {
          seen.merge(endpoint(flood.path()) + "|413", 1, Integer::sum);
          continue;
        }
        throw new AssertionError(flood.name() + ": " + e.getCause(), e);
      }
      String error = JSON.readTree(answer.body()).path("error").asText();
      seen.merge(endpoint(flood.path()) + "|" + answer.statusCode(), 1, Integer::sum);
      if (answer.statusCode() == 429) { // all requests at once share the parsing budget
        assertThat(error).as(flood.name()).contains("too many large requests");
        continue;
      }
      assertThat(answer.statusCode()).as(flood.name() + ": " + error).isEqualTo(flood.status());
      assertThat(error).as(flood.name()).contains(flood.message());
    }
    System.out.println("hostile floods on " + HEAP + ", answers by endpoint and status: " + seen);
    assertThat(process.isAlive()).as("no OutOfMemoryError:\n" + Files.readString(log)).isTrue();
    assertThat(Files.readString(log)).doesNotContain("OutOfMemoryError");

    // It still answers correctly...
    for (int i = 0; i < 5; i++) {
      HttpResponse<String> good =
          post("/predict", "{\"features\": [5.1, 3.5, 1.4, 0.2]}".getBytes(StandardCharsets.UTF_8));
      assertThat(good.statusCode()).isEqualTo(200);
      assertThat(JSON.readTree(good.body()).path("prediction").asText()).isEqualTo("setosa");
    }
    // ...and its statistics count exactly what was sent: every refusal, five predictions.
    JsonNode after = modelInfo().path("statistics");
    // (feedback is not prediction traffic, so /model_info leaves it out; /metrics counts it)
    long refused = sent.stream().filter(f -> !f.path().equals("/feedback")).count();
    assertThat(after.path("requests").asLong() - before.path("requests").asLong())
        .isEqualTo(refused + 5);
    assertThat(after.path("errors").asLong() - before.path("errors").asLong()).isEqualTo(refused);
    assertThat(after.path("predictions").asLong() - before.path("predictions").asLong())
        .isEqualTo(5);
    String metrics = get("/metrics").body();
    for (Map.Entry<String, Integer> e : seen.entrySet()) {
      String[] key = e.getKey().split("\\|");
      Matcher m =
          Pattern.compile(
                  "modelship_requests_total\\{endpoint=\""
                      + key[0]
                      + "\",(?:[^}]*,)?status=\""
                      + key[1]
                      + "\"[^}]*} (\\S+)")
              .matcher(metrics);
      assertThat(m.find()).as(e.getKey() + " in /metrics").isTrue();
      assertThat(Double.parseDouble(m.group(1)))
          .as(e.getKey())
          .isEqualTo(e.getValue().doubleValue());
    }
  }

  private static String endpoint(String path) {
    return switch (path) {
      case "/predict_batch" -> "predict_batch";
      case "/predict" -> "predict";
      case "/feedback" -> "feedback";
      case "/v1/models/iris:predict" -> "v1_predict";
      default -> "v2_infer";
    };
  }

  static JsonNode modelInfo() throws Exception {
    return JSON.readTree(get("/model_info").body());
  }

  static HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> post(String path, byte[] body) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(180))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
