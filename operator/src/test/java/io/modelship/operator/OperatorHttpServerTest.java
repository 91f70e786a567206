package io.modelship.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.modelship.operator.metrics.OperatorMetrics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class OperatorHttpServerTest {

  @Test
  void servesProbesAndMetrics() throws Exception {
    var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    var metrics = new OperatorMetrics(registry);
    metrics.reconciled();
    metrics.driftAlerted();
    var ready = new AtomicBoolean(false);
    try (var server = new OperatorHttpServer(0, () -> true, ready::get, registry).start();
        var http = HttpClient.newHttpClient()) {
      String base = "http://127.0.0.1:" + server.port();
      assertThat(get(http, base + "/healthz").statusCode()).isEqualTo(200);
      assertThat(get(http, base + "/readyz").statusCode()).isEqualTo(503);
      ready.set(true);
      assertThat(get(http, base + "/readyz").statusCode()).isEqualTo(200);
      var scrape = get(http, base + "/metrics");
      assertThat(scrape.statusCode()).isEqualTo(200);
      assertThat(scrape.body())
          .contains("modelship_operator_reconciles_total 1.0")
          .contains("modelship_operator_drift_alerts_total 1.0")
          .contains("modelship_operator_rollouts_total 0.0");
    }
  }

  private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
