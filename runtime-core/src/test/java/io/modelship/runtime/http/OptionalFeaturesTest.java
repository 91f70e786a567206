package io.modelship.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelship.runtime.server.ServeConfig;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Auth, rate limit, prediction cache and prediction log: off by default, working when switched on.
 */
class OptionalFeaturesTest extends ServingAppTest {

  private static final String ROW = "{\"features\": [5.1, 3.5, 1.4, 0.2]}";

  @Test
  void bearerTokenProtectsEverythingButHealthAndReadiness() {
    ServingApp secured = start(Map.of("AUTH_TOKEN", "s3cret"));
    try {
      assertError(post(secured, "/predict", ROW, "application/json"), 401, "missing bearer token");
      assertThat(get(secured, "/health").status()).isEqualTo(200);
      assertThat(get(secured, "/ready").status()).isEqualTo(200);
      HttpRequest wrong =
          HttpRequest.newBuilder(uri(secured, "/model_info"))
              .header("Authorization", "Bearer nope")
              .build();
      assertError(send(secured, wrong), 401, "invalid bearer token");
      HttpRequest right =
          HttpRequest.newBuilder(uri(secured, "/predict"))
              .header("Authorization", "Bearer s3cret")
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(ROW))
              .build();
      assertThat(send(secured, right).status()).isEqualTo(200);
    } finally {
      secured.close();
    }
  }

  @Test
  void anEmptyTokenStopsTheStartInsteadOfSwitchingAuthOff() {
    for (String empty : List.of("", "  ", "\n")) {
      assertThatThrownBy(() -> ServeConfig.fromEnvironment(Map.of("AUTH_TOKEN", empty)))
          .hasMessageContaining("AUTH_TOKEN is set but empty");
    }
    assertThat(ServeConfig.fromEnvironment(Map.of()).authToken()).as("unset: no auth").isNull();
  }

  @Test
  void headAndOptionsGoThroughTheTokenAndAreCounted() {
    ServingApp secured = start(Map.of("AUTH_TOKEN", "s3cret"));
    try {
      for (String path :
          List.of("/model_info", "/metrics", "/drift", "/predict", "/v2/models/iris")) {
        for (String method :
            path.equals("/predict") ? List.of("OPTIONS") : List.of("HEAD", "OPTIONS")) {
          Reply refused =
              send(
                  secured,
                  HttpRequest.newBuilder(uri(secured, path))
                      .method(method, HttpRequest.BodyPublishers.noBody())
                      .build());
          assertThat(refused.status()).as(method + " " + path).isEqualTo(401);
        }
      }
      Reply head =
          send(
              secured,
              HttpRequest.newBuilder(uri(secured, "/model_info"))
                  .header("Authorization", "Bearer s3cret")
                  .method("HEAD", HttpRequest.BodyPublishers.noBody())
                  .build());
      assertThat(head.status()).isEqualTo(200);
      assertThat(head.body()).isEmpty();
      Reply options =
          send(
              secured,
              HttpRequest.newBuilder(uri(secured, "/predict"))
                  .header("Authorization", "Bearer s3cret")
                  .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                  .build());
      assertThat(options.status()).isEqualTo(204);
      assertThat(options.raw().headers().firstValue("Allow")).hasValue("POST, OPTIONS");
      Reply both =
          send(
              secured,
              HttpRequest.newBuilder(uri(secured, "/v1/models/iris"))
                  .header("Authorization", "Bearer s3cret")
                  .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                  .build());
      assertThat(both.raw().headers().firstValue("Allow")).hasValue("GET, HEAD, POST, OPTIONS");
      String metrics =
          send(
                  secured,
                  HttpRequest.newBuilder(uri(secured, "/metrics"))
                      .header("Authorization", "Bearer s3cret")
                      .build())
              .body();
      assertThat(metrics)
          .contains(
              "modelship_requests_total{endpoint=\"model_info\",model=\"iris\",status=\"401\",version=\"1.0.0\"} 2.0",
              "modelship_requests_total{endpoint=\"model_info\",model=\"iris\",status=\"200\",version=\"1.0.0\"} 1.0",
              "modelship_requests_total{endpoint=\"predict\",model=\"iris\",status=\"204\",version=\"1.0.0\"} 1.0");
    } finally {
      secured.close();
    }
  }

  @Test
  void theDashboardOpensWithAuthOnUnderAStrictPolicyAndItsDataStillNeedsTheToken()
      throws Exception {
    ServingApp secured = start(Map.of("AUTH_TOKEN", "s3cret"));
    try {
      Reply page = get(secured, "/");
      assertThat(page.status()).isEqualTo(200);
      assertThat(page.body())
          .contains("<title>Modelship dashboard</title>")
          .doesNotContain("sessionStorage", "localStorage", "document.cookie");
      var headers = page.raw().headers();
      assertThat(headers.firstValue("X-Content-Type-Options")).hasValue("nosniff");
      assertThat(headers.firstValue("X-Frame-Options")).hasValue("DENY");
      String policy = headers.firstValue("Content-Security-Policy").orElseThrow();
      assertThat(policy)
          .contains("default-src 'none'", "connect-src 'self'", "frame-ancestors 'none'")
          .doesNotContain("http", "*", "'unsafe-eval'")
          .doesNotContainPattern("script-src[^;]*unsafe-inline");
      // every inline script and style element of the page is allowed by its hash, nothing else is
      // loaded
      var inline =
          java.util.regex.Pattern.compile(
                  "<(script|style)>(.*?)</\\1>", java.util.regex.Pattern.DOTALL)
              .matcher(page.body());
      int elements = 0;
      while (inline.find()) {
        elements++;
        String hash =
            java.util.Base64.getEncoder()
                .encodeToString(
                    java.security.MessageDigest.getInstance("SHA-256")
                        .digest(inline.group(2).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertThat(policy).contains("'sha256-" + hash + "'");
      }
      assertThat(elements).isEqualTo(2);
      assertThat(page.body())
          .doesNotContainPattern(
              "<script[^>]+src=|<link[^>]+href=\"(?!data:)|<img[^>]+src=\"(?!data:)");
      // what the page shows still needs the token, and every answer says nosniff
      Reply data = get(secured, "/model_info");
      assertThat(data.status()).isEqualTo(401);
      assertThat(data.raw().headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
      assertThat(get(secured, "/no-such-path").raw().headers().firstValue("X-Content-Type-Options"))
          .hasValue("nosniff");
    } finally {
      secured.close();
    }
  }

  @Test
  void rateLimitAnswers429() {
    ServingApp limited = start(Map.of("RATE_LIMIT_RPS", "5"));
    try {
      int ok = 0;
      int limitedCount = 0;
      for (int i = 0; i < 30; i++) {
        Reply r = post(limited, "/predict", ROW, "application/json");
        if (r.status() == 429) {
          limitedCount++;
          assertThat(r.json().path("error").asText()).contains("rate limit");
        } else {
          ok++;
        }
      }
      assertThat(ok).isBetween(5, 10);
      assertThat(limitedCount).isPositive();
    } finally {
      limited.close();
    }
  }

  @Test
  void predictionCacheServesRepeatsAndReportsItsHitRatio() {
    ServingApp cached = start(Map.of("PREDICTION_CACHE_SIZE", "100"));
    try {
      JsonNode first = post(cached, "/predict", ROW, "application/json").json();
      for (int i = 0; i < 3; i++) {
        JsonNode again = post(cached, "/predict", ROW, "application/json").json();
        assertThat(again.path("probabilities")).isEqualTo(first.path("probabilities"));
        assertThat(again.path("request_id").asText())
            .isNotEqualTo(first.path("request_id").asText());
      }
      JsonNode stats = get(cached, "/model_info").json().path("statistics");
      assertThat(stats.path("cacheHitRatio").asDouble()).isEqualTo(0.75);
      assertThat(stats.path("predictions").asLong()).isEqualTo(4);
      assertThat(get(cached, "/metrics").body())
          .contains("modelship_prediction_cache_hit_ratio{model=\"iris\",version=\"1.0.0\"} 0.75");
    } finally {
      cached.close();
    }
  }

  @Test
  void sampledPredictionLogWritesJsonLines(@TempDir Path tmp) throws Exception {
    Path log = tmp.resolve("predictions.jsonl");
    ServingApp logging =
        start(Map.of("PREDICTION_LOG", log.toString(), "PREDICTION_LOG_SAMPLE_RATE", "1.0"));
    try {
      post(
          logging,
          "/predict_batch",
          "{\"instances\": [[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3]]}",
          "application/json");
    } finally {
      logging.close();
    }
    List<String> lines = Files.readAllLines(log);
    assertThat(lines).hasSize(2);
    JsonNode line = JsonIo.MAPPER.readTree(lines.get(1));
    assertThat(line.path("prediction").asText()).isEqualTo("virginica");
    assertThat(line.path("features").size()).isEqualTo(4);
    assertThat(line.path("request_id").asText()).isNotBlank();
  }

  @Test
  void driftMethodKsIsReportedAndAnUnknownMethodStopsTheStart() {
    ServingApp ks = start(Map.of("DRIFT_METHOD", "ks", "DRIFT_MIN_SAMPLES", "1"));
    try {
      post(ks, "/predict", ROW, "application/json");
      JsonNode drift = get(ks, "/drift").json();
      assertThat(drift.path("method").asText()).isEqualTo("ks");
      JsonNode first = drift.path("features").get(0);
      assertThat(first.path("status").asText())
          .as("classified by KS, not PSI: " + first)
          .isEqualTo(
              first.path("ks").asDouble() >= 0.25
                  ? "Alert"
                  : first.path("ks").asDouble() >= 0.1 ? "Warning" : "Normal");
    } finally {
      ks.close();
    }
    assertThatThrownBy(() -> ServeConfig.fromEnvironment(Map.of("DRIFT_METHOD", "chi2")))
        .hasMessageContaining("drift method must be psi or ks");
  }

  @Test
  void monitoringOffStillServesButSaysDriftIsUnavailable() {
    ServingApp plain = start(Map.of("MONITORING_ENABLED", "false"));
    try {
      assertThat(post(plain, "/predict", ROW, "application/json").status()).isEqualTo(200);
      assertError(get(plain, "/drift"), 409, "monitoring is disabled");
    } finally {
      plain.close();
    }
  }
}
