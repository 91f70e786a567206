package io.modelship.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelship.runtime.TestModels;
import io.modelship.runtime.server.ServeConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Starts a real runtime on a random port for each test class and talks to it over HTTP. */
abstract class ServingAppTest {

  static ServingApp app;
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void startDefault() {
    app = start(Map.of());
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  static ServingApp start(Map<String, String> extraEnv) {
    Map<String, String> env = new HashMap<>();
    env.put("MODEL_URI", TestModels.irisDirectory().toString());
    env.put("HOST", "127.0.0.1");
    env.put("PORT", "0");
    env.put("DRAIN_TIMEOUT_SECONDS", "2");
    env.putAll(extraEnv);
    return new ServingApp(ServeConfig.fromEnvironment(env).validate()).startReady();
  }

  record Reply(int status, JsonNode json, String body, HttpResponse<String> raw) {}

  static Reply get(String path) {
    return get(app, path);
  }

  static Reply get(ServingApp target, String path) {
    return send(target, HttpRequest.newBuilder(uri(target, path)).GET().build());
  }

  static Reply post(String path, String json) {
    return post(app, path, json, "application/json");
  }

  static Reply post(ServingApp target, String path, String body, String contentType) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri(target, path)).POST(HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    return send(target, b.build());
  }

  static URI uri(ServingApp target, String path) {
    return URI.create("http://127.0.0.1:" + target.port() + path);
  }

  static Reply send(ServingApp target, HttpRequest request) {
    try {
      HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      JsonNode json = null;
      if (r.headers().firstValue("Content-Type").orElse("").startsWith("application/json")) {
        json = JsonIo.MAPPER.readTree(r.body());
      }
      return new Reply(r.statusCode(), json, r.body(), r);
    } catch (Exception e) {
      throw new AssertionError("request failed: " + request.uri(), e);
    }
  }

  static void assertError(Reply reply, int status, String... fragments) {
    assertThat(reply.status()).as(reply.body()).isEqualTo(status);
    assertThat(reply.json()).as("JSON error body: " + reply.body()).isNotNull();
    assertThat(reply.json().path("error").asText()).contains(fragments);
  }
}
