package io.modelship.local.autoscale;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * What the adapter reads of a runtime's /metrics: the prediction endpoints' requests, nothing else.
 */
class PodMetricsTest {

  @Test
  void sumsThePredictionEndpointsOnly() {
    String exposition =
        """
        # HELP modelship_requests_total HTTP requests by endpoint and status
        # TYPE modelship_requests_total counter
        modelship_requests_total{endpoint="predict",status="200"} 120.0
        modelship_requests_total{endpoint="predict",status="400"} 3.0
        modelship_requests_total{endpoint="v2_infer",model="iris",status="200",version="1.0.0"} 7.0
        modelship_requests_total{endpoint="ready",status="200"} 500.0
        modelship_requests_total{endpoint="metrics",status="200"} 40.0
        modelship_request_duration_seconds_count{endpoint="predict"} 123.0
        """;
    assertThat(PodMetrics.requestsTotal(exposition)).hasValue(130);
  }

  @Test
  void aRuntimeWithoutTheCounterHasNoMetric() {
    assertThat(PodMetrics.requestsTotal("# nothing here\nprocess_cpu_usage 0.1\n")).isEmpty();
  }
}
