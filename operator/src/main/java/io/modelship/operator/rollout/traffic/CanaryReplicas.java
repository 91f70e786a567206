package io.modelship.operator.rollout.traffic;

/**
 * Pods per side for a canary weight. With the replica ratio on the shared Service the weight is
 * carried by the pod counts themselves; with a weighted route the pods only need to carry the load
 * the route sends.
 *
 * <p>Replica ratio over {@code total} pods: canary = ceil(weight × total / 100), stable = total −
 * canary, and for weights 1–99 at least one pod on each side. Examples (total 4): 10 → 1 + 3
 * (actual 25 %), 50 → 2 + 2, 60 → 3 + 1 (ceil 2.4), 99 → 3 + 1. With one pod in total every weight
 * 1–99 runs 1 + 1: the granularity is 100 / total percent, and 50 % at best with one pod.
 *
 * <p>With an autoscaled stable side the autoscaler keeps sizing the stable Deployment and the
 * canary is added on top: canary = ceil(weight × stable / 100) (at least 1), so the actual share is
 * canary / (canary + stable), e.g. 10 % of 10 stable pods → 1 canary pod, 9 %.
 */
public final class CanaryReplicas {

  /** Pods for the stable and the new version. */
  public record Split(int stable, int canary) {}

  private CanaryReplicas() {}

  public static Split replicaRatio(int weight, int total) {
    if (weight <= 0) {
      return new Split(total, 0);
    }
    if (weight >= 100) {
      return new Split(0, total);
    }
    if (total <= 1) {
      return new Split(1, 1);
    }
    int canary = Math.clamp(ceil(weight, total), 1, total - 1);
    return new Split(total - canary, canary);
  }

  /** An autoscaled stable side stays as its HPA sized it; the canary follows it. */
  public static Split besideAutoscaled(int weight, int stableReplicas) {
    if (weight <= 0) {
      return new Split(stableReplicas, 0);
    }
    int canary =
        weight >= 100 ? Math.max(1, stableReplicas) : Math.max(1, ceil(weight, stableReplicas));
    return new Split(stableReplicas, canary);
  }

  /**
   * Behind a weighted route: the stable side keeps full size, the canary gets its share of pods.
   */
  public static Split behindRoute(int weight, int total) {
    if (weight <= 0) {
      return new Split(total, 0);
    }
    return new Split(total, Math.max(1, ceil(Math.min(weight, 100), total)));
  }

  /** Percentage of ready pods that are the new version's; 0 with none ready. */
  public static int readyShare(int stableReady, int canaryReady) {
    int all = stableReady + canaryReady;
    return all == 0 ? 0 : (int) Math.round(100.0 * canaryReady / all);
  }

  private static int ceil(int weight, int total) {
    return (int) Math.ceil(weight * (double) total / 100.0 - 1e-9);
  }
}
