package io.modelship.local.autoscale;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The replica count one metric of an autoscaling/v2 HPA proposes, as kube-controller-manager's
 * replica calculator computes it (pure; the Kubernetes documentation's "Algorithm details"): {@code
 * desiredReplicas = ceil(currentReplicas × currentMetricValue / desiredMetricValue)} over the pods
 * that have a metric, with no change while the ratio is within the tolerance (0.1).
 *
 * <p>Pods being deleted or Failed are ignored. Pending pods, and for CPU pods not yet ready (see
 * {@link PodView#cpuUnready}), are set aside. Pods without a metric are missing. When any were set
 * aside or missing the average is recomputed conservatively: missing pods count as using the target
 * on a scale-down and nothing on a scale-up, not-ready pods nothing on a scale-up; if that reverses
 * the direction or lands within the tolerance, the count stays. Worked examples (the table test
 * holds them): 1 pod at 25 requests/s, target 10 → ceil(2.5 × 1) = 3; 3 pods at 1.67 → ceil(0.167 ×
 * 3) = 1; 2 pods at 10.5 → ratio 1.05, within tolerance → 2; CPU 90 % of a 75 % target on 50 pods →
 * 60.
 */
public final class ReplicaCalculator {

  /** kube-controller-manager's {@code --horizontal-pod-autoscaler-tolerance}. */
  public static final double DEFAULT_TOLERANCE = 0.1;

  private ReplicaCalculator() {}

  /** A pod's phase as far as the calculation cares. */
  public enum Phase {
    PENDING,
    RUNNING,
    FAILED
  }

  /**
   * One pod selected by the target's selector.
   *
   * @param milliValue the pod's metric in thousandths (CPU in millicores, requests/s × 1000), null
   *     when missing
   * @param milliRequest the pod's CPU request in millicores (CPU only; null when a container has
   *     none)
   * @param cpuUnready whether its CPU sample is set aside as not yet ready (see {@link
   *     #cpuUnready})
   */
  public record PodView(
      String name,
      Phase phase,
      boolean deleting,
      Long milliValue,
      Long milliRequest,
      boolean cpuUnready) {

    public static PodView running(String name, long milliValue) {
      return new PodView(name, Phase.RUNNING, false, milliValue, null, false);
    }

    public static PodView runningWithRequest(String name, long milliValue, long milliRequest) {
      return new PodView(name, Phase.RUNNING, false, milliValue, milliRequest, false);
    }
  }

  /**
   * What one metric proposes.
   *
   * @param replicas the proposed count
   * @param current the metric's current value as the HPA's status shows it: utilization in percent
   *     for a Utilization target, the average per pod in thousandths for an AverageValue target
   */
  public record Proposal(int replicas, long current) {}

  /**
   * The metric could not be computed (no pods, no metrics, a missing CPU request): as the
   * controller's error.
   */
  public static final class MetricUnavailable extends Exception {
    public MetricUnavailable(String message) {
      super(message);
    }
  }

  /**
   * Whether a pod's CPU sample is set aside as "not yet ready" (kube-controller-manager's {@code
   * groupPods}): within {@code cpuInitializationPeriod} (5 min) of its start a sample counts only
   * when the pod is ready and the sample's window began after it turned ready; later, only a pod
   * that has never been ready since {@code initialReadinessDelay} (30 s) after its start is set
   * aside.
   *
   * @param readyStatus the Ready condition's status, null when the pod has none
   * @param readySince when the Ready condition last changed
   * @param sampleTakenAt when the sample's window ended; {@code window} how long it was
   */
  public static boolean cpuUnready(
      java.time.Instant startedAt,
      Boolean readyStatus,
      java.time.Instant readySince,
      java.time.Instant sampleTakenAt,
      java.time.Duration window,
      java.time.Instant now,
      java.time.Duration cpuInitializationPeriod,
      java.time.Duration initialReadinessDelay) {
    if (readyStatus == null || startedAt == null) {
      return true;
    }
    if (startedAt.plus(cpuInitializationPeriod).isAfter(now)) {
      return !readyStatus || sampleTakenAt.isBefore(readySince.plus(window));
    }
    return !readyStatus && startedAt.plus(initialReadinessDelay).isAfter(readySince);
  }

  /**
   * A {@code Resource} metric with a {@code Utilization} target (CPU), in percent of the pods'
   * requests.
   */
  public static Proposal utilization(
      int currentReplicas, int targetPercent, List<PodView> pods, double tolerance)
      throws MetricUnavailable {
    Groups g = group(pods, true);
    Map<String, Long> requests = new HashMap<>();
    for (PodView p : pods) {
      if (g.metrics.containsKey(p.name())
          || g.missing.contains(p.name())
          || g.unready.contains(p.name())) {
        if (p.milliRequest() == null || p.milliRequest() <= 0) {
          throw new MetricUnavailable("missing request for cpu in pod " + p.name());
        }
        requests.put(p.name(), p.milliRequest());
      }
    }
    Ratio ratio =
        metrics -> {
          long used = 0;
          long requested = 0;
          for (var e : metrics.entrySet()) {
            used += e.getValue();
            requested += requests.get(e.getKey());
          }
          long utilization =
              used * 100 / requested; // whole percent, as the controller truncates it
          return new double[] {(double) utilization / targetPercent, utilization};
        };
    long fallbackPercent = Math.max(100, targetPercent);
    return propose(
        currentReplicas, g, ratio, name -> requests.get(name) * fallbackPercent / 100, tolerance);
  }

  /** A {@code Pods} metric with an {@code AverageValue} target, in thousandths. */
  public static Proposal averageValue(
      int currentReplicas, long targetMilli, List<PodView> pods, double tolerance)
      throws MetricUnavailable {
    if (targetMilli <= 0) {
      throw new MetricUnavailable(
          "the target average value must be positive, got " + targetMilli + "m");
    }
    Groups g = group(pods, false);
    Ratio ratio =
        metrics -> {
          long total = metrics.values().stream().mapToLong(Long::longValue).sum();
          long average = total / metrics.size();
          return new double[] {(double) average / targetMilli, average};
        };
    return propose(currentReplicas, g, ratio, name -> targetMilli, tolerance);
  }

  private interface Ratio {
    /** {ratio of usage to target, the current value for status} over these pods' values. */
    double[] of(Map<String, Long> metrics);
  }

  private record Groups(
      int readyCount, Map<String, Long> metrics, Set<String> unready, Set<String> missing) {}

  private static Groups group(List<PodView> pods, boolean cpu) throws MetricUnavailable {
    if (pods.isEmpty()) {
      throw new MetricUnavailable("no pods returned by selector while calculating replica count");
    }
    int ready = 0;
    Map<String, Long> metrics = new HashMap<>();
    Set<String> unready = new TreeSet<>();
    Set<String> missing = new TreeSet<>();
    for (PodView p : pods) {
      if (p.deleting() || p.phase() == Phase.FAILED) {
        continue;
      }
      if (p.phase() == Phase.PENDING) {
        unready.add(p.name());
        continue;
      }
      if (p.milliValue() == null) {
        missing.add(p.name());
        continue;
      }
      if (cpu && p.cpuUnready()) {
        unready.add(p.name());
        continue;
      }
      metrics.put(p.name(), p.milliValue());
      ready++;
    }
    if (metrics.isEmpty()) {
      throw new MetricUnavailable(
          "did not receive metrics for targeted pods (pods might be unready)");
    }
    return new Groups(ready, metrics, unready, missing);
  }

  private static Proposal propose(
      int currentReplicas,
      Groups g,
      Ratio ratio,
      java.util.function.Function<String, Long> atTarget,
      double tolerance) {
    double[] first = ratio.of(g.metrics());
    double usageRatio = first[0];
    long current = (long) first[1];
    boolean scaleUpWithUnready = !g.unready().isEmpty() && usageRatio > 1.0;
    if (!scaleUpWithUnready && g.missing().isEmpty()) {
      if (Math.abs(1.0 - usageRatio) <= tolerance) {
        return new Proposal(currentReplicas, current);
      }
      return new Proposal((int) Math.ceil(usageRatio * g.readyCount()), current);
    }
    Map<String, Long> metrics = new HashMap<>(g.metrics());
    if (!g.missing().isEmpty()) {
      for (String name : g.missing()) {
        // scale-down: as if at the target; scale-up: as if idle
        metrics.put(name, usageRatio < 1.0 ? atTarget.apply(name) : 0L);
      }
    }
    if (scaleUpWithUnready) {
      for (String name : g.unready()) {
        metrics.put(name, 0L);
      }
    }
    double newRatio = ratio.of(metrics)[0];
    if (Math.abs(1.0 - newRatio) <= tolerance
        || (usageRatio < 1.0 && newRatio > 1.0)
        || (usageRatio > 1.0 && newRatio < 1.0)) {
      return new Proposal(currentReplicas, current);
    }
    int replicas = (int) Math.ceil(newRatio * metrics.size());
    if ((newRatio < 1.0 && replicas > currentReplicas)
        || (newRatio > 1.0 && replicas < currentReplicas)) {
      return new Proposal(currentReplicas, current);
    }
    return new Proposal(replicas, current);
  }
}
