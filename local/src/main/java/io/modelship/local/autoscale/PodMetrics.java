package io.modelship.local.autoscale;

import io.fabric8.kubernetes.api.model.Pod;
import io.modelship.local.pods.PodRunner;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The metrics APIs an HPA controller reads, served from this machine: {@code metrics.k8s.io}'s pod
 * CPU (what metrics-server computes from the kubelet's cumulative CPU counters: the rate between
 * two readings) and {@code custom.metrics.k8s.io}'s Pods metric {@value #REQUESTS_PER_SECOND}, as a
 * Prometheus adapter serves it from the runtimes' own {@code /metrics}: the rate of {@value
 * #REQUESTS_COUNTER} over the prediction endpoints. Each call reads the pod's counter now; the rate
 * is over the time since the previous call for the pod (one sync period), so the first reading of a
 * pod, and the first after its container restarted, is missing.
 */
public final class PodMetrics {

  /** The Pods metric the operator's HPA names (operator {@code ServingAutoscaler.RPS_METRIC}). */
  public static final String REQUESTS_PER_SECOND = "modelship_requests_per_second";

  /** The runtime's request counter the adapter rule reads. */
  static final String REQUESTS_COUNTER = "modelship_requests_total";

  /**
   * The runtime's prediction endpoints (its {@code inference(…)} routes and gRPC ModelInfer);
   * probes, scrapes and the dashboard are not traffic to scale on.
   */
  static final Set<String> TRAFFIC_ENDPOINTS =
      Set.of("predict", "predict_batch", "v1_predict", "v2_infer", "grpc_model_infer");

  /**
   * One value of a pod's metric: per-second rate × 1000, when its window ended, and how long it
   * was.
   */
  public record Sample(long milliValue, Instant at, Duration window) {}

  private record Reading(Instant at, long total, String container) {}

  private final PodRunner pods;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final Map<String, Reading> cpu = new ConcurrentHashMap<>();
  private final Map<String, Reading> requests = new ConcurrentHashMap<>();

  public PodMetrics(PodRunner pods) {
    this.pods = pods;
  }

  /** The pod's CPU use in millicores over the last window. */
  public Optional<Sample> cpu(Pod pod, Instant now) {
    OptionalLong nanos =
        pods.cpuNanos(pod.getMetadata().getNamespace(), pod.getMetadata().getName());
    // nanoseconds of CPU per second of wall time = cores × 1e9; millicores = that / 1e6
    return rate(cpu, pod, now, nanos, 1e-6);
  }

  /** The pod's prediction requests per second × 1000 over the last window. */
  public Optional<Sample> requestsPerSecond(Pod pod, Instant now) {
    return rate(requests, pod, now, scrapeRequests(pod), 1000);
  }

  /** Which Pods metrics this adapter serves. */
  public boolean serves(String podsMetric) {
    return REQUESTS_PER_SECOND.equals(podsMetric);
  }

  /** Forgets pods that are gone. */
  public void retain(Set<String> podUids) {
    cpu.keySet().retainAll(podUids);
    requests.keySet().retainAll(podUids);
  }

  private static Optional<Sample> rate(
      Map<String, Reading> last, Pod pod, Instant now, OptionalLong total, double scale) {
    String uid = pod.getMetadata().getUid();
    if (total.isEmpty() || uid == null) {
      return Optional.empty();
    }
    String container = containerId(pod);
    Reading previous = last.put(uid, new Reading(now, total.getAsLong(), container));
    if (previous == null
        || !previous.container().equals(container)
        || total.getAsLong() < previous.total()) {
      return Optional.empty(); // no earlier reading of this container to take a rate against
    }
    Duration window = Duration.between(previous.at(), now);
    if (window.toMillis() <= 0) {
      return Optional.empty();
    }
    double perSecond = (total.getAsLong() - previous.total()) / (window.toNanos() / 1e9);
    return Optional.of(new Sample(Math.round(perSecond * scale), now, window));
  }

  private static String containerId(Pod pod) {
    var statuses = pod.getStatus() == null ? null : pod.getStatus().getContainerStatuses();
    if (statuses == null || statuses.isEmpty() || statuses.getFirst().getContainerID() == null) {
      return "";
    }
    return statuses.getFirst().getContainerID();
  }

  /**
   * The pod's total of {@value #REQUESTS_COUNTER} over the prediction endpoints, from its {@code
   * /metrics}.
   */
  private OptionalLong scrapeRequests(Pod pod) {
    return exposition(http, pod).map(PodMetrics::requestsTotal).orElse(OptionalLong.empty());
  }

  /**
   * A local pod's {@code /metrics} (Prometheus text), or empty when it has no port yet or does not
   * answer 200 within 5 s.
   */
  public static Optional<String> exposition(HttpClient http, Pod pod) {
    String port =
        pod.getMetadata().getAnnotations() == null
            ? null
            : pod.getMetadata().getAnnotations().get(PodRunner.PORT_ANNOTATION);
    if (port == null) {
      return Optional.empty();
    }
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? Optional.of(r.body()) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /**
   * Sum of {@value #REQUESTS_COUNTER} samples whose {@code endpoint} label is a prediction
   * endpoint, from Prometheus text exposition; empty when the counter is not exposed at all.
   */
  static OptionalLong requestsTotal(String exposition) {
    double total = 0;
    boolean seen = false;
    for (String line : exposition.split("\n")) {
      if (!line.startsWith(REQUESTS_COUNTER + "{") && !line.startsWith(REQUESTS_COUNTER + " ")) {
        continue;
      }
      seen = true;
      int close = line.lastIndexOf('}');
      String labels = close < 0 ? "" : line.substring(line.indexOf('{') + 1, close);
      String endpoint = label(labels, "endpoint");
      if (endpoint != null && TRAFFIC_ENDPOINTS.contains(endpoint)) {
        String[] rest = line.substring(close + 1).trim().split("\\s+");
        total += Double.parseDouble(rest[0]);
      }
    }
    return seen ? OptionalLong.of(Math.round(total)) : OptionalLong.empty();
  }

  private static String label(String labels, String name) {
    int at = labels.indexOf(name + "=\"");
    if (at < 0 || (at > 0 && labels.charAt(at - 1) != ',' && labels.charAt(at - 1) != '{')) {
      return null;
    }
    int start = at + name.length() + 2;
    int end = labels.indexOf('"', start);
    return end < 0 ? null : labels.substring(start, end);
  }
}
