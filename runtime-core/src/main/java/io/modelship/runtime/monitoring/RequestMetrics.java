package io.modelship.runtime.monitoring;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.modelship.api.v1alpha1.report.LatencyBuckets;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Request statistics: Prometheus meters (by endpoint and status; endpoints are route names, so
 * label cardinality is fixed) plus the live figures {@code /model_info} and the dashboard show.
 */
public final class RequestMetrics {

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final ConcurrentMap<String, Counter> requests = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Timer> latencies = new ConcurrentHashMap<>();
  private final LatencyWindow window = new LatencyWindow();
  private final LongAdder total = new LongAdder();
  private final LongAdder errors = new LongAdder();

  /** Traffic requests per {@link LatencyBuckets} bucket since start. */
  private final LongAdder[] latencyCounts = new LongAdder[LatencyBuckets.COUNT];

  private final boolean detailed;

  /** The served model's name and version, labels of every meter; empty until the model loads. */
  private volatile String model = "";

  private volatile String version = "";

  /**
   * @param detailed whether to keep Prometheus latency histograms (off with monitoring off)
   */
  public RequestMetrics(boolean detailed) {
    this.detailed = detailed;
    for (int i = 0; i < latencyCounts.length; i++) {
      latencyCounts[i] = new LongAdder();
    }
  }

  /**
   * Labels the meters of requests from now on with the loaded model's {@code model} and {@code
   * version}, so dashboards tell a canary's pods from the stable ones by their own labels.
   */
  public void serving(String model, String version) {
    this.model = model;
    this.version = version;
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /**
   * Counts one finished request on {@code endpoint} (a route name, never a raw path). Only
   * prediction {@code traffic} feeds the live totals, error count and latency window that {@code
   * /model_info} shows and the operator judges; probes, scrapes and dashboard polls would otherwise
   * dilute them.
   */
  public void record(String endpoint, int status, long nanos, boolean traffic) {
    if (traffic) {
      total.increment();
      if (status >= 400) {
        errors.increment();
      }
      window.record(nanos);
      latencyCounts[LatencyBuckets.bucketOf(nanos / 1e6)].increment();
    }
    if (!detailed) {
      return;
    }
    String m = model;
    String v = version;
    requests
        .computeIfAbsent(
            endpoint + '|' + status + '|' + m + '|' + v,
            key ->
                Counter.builder("modelship.requests")
                    .description("HTTP requests by endpoint and status")
                    .tags(
                        "endpoint",
                        endpoint,
                        "status",
                        Integer.toString(status),
                        "model",
                        m,
                        "version",
                        v)
                    .register(registry))
        .increment();
    latencies
        .computeIfAbsent(
            endpoint + '|' + m + '|' + v,
            key ->
                Timer.builder("modelship.request.duration")
                    .description("HTTP request latency")
                    .tags("endpoint", endpoint, "model", m, "version", v)
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofNanos(50_000))
                    .maximumExpectedValue(Duration.ofSeconds(10))
                    .register(registry))
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  public long totalRequests() {
    return total.sum();
  }

  public long errorResponses() {
    return errors.sum();
  }

  /** Traffic requests per latency bucket since start. */
  public long[] latencyCounts() {
    var counts = new long[latencyCounts.length];
    for (int i = 0; i < counts.length; i++) {
      counts[i] = latencyCounts[i].sum();
    }
    return counts;
  }

  public LatencyWindow.Percentiles latency() {
    return window.percentiles();
  }

  public String scrape() {
    return registry.scrape();
  }
}
