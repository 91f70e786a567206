package io.modelship.operator.rollout.traffic;

import io.modelship.api.v1alpha1.status.HeaderRoute;
import java.util.Optional;

/**
 * Weights by replica ratio on the shared Service {@code <name>}, which selects every version: the
 * share of the new version is the share of its ready pods. No mirror or header routes. What it
 * writes is the Deployment sizes of its {@link #split} and a Service {@code <name>} that selects
 * every version ({@link Traffic#serviceVersion()} {@code null}); it decides both here.
 */
public record ReplicaRatioRouter() implements TrafficRouter {

  @Override
  public CanaryReplicas.Split split(int weight, int total, boolean autoscaledStable) {
    return autoscaledStable
        ? CanaryReplicas.besideAutoscaled(weight, total)
        : CanaryReplicas.replicaRatio(weight, total);
  }

  @Override
  public Traffic traffic(
      String stable, String canary, int weight, Integer mirrorPercent, HeaderRoute headerRoute) {
    return new Traffic(null, null, stable, canary, weight, null, null);
  }

  @Override
  public int actualWeight(
      VersionObservation stable,
      VersionObservation canary,
      Optional<RouteObservation> route,
      String canaryVersion) {
    return CanaryReplicas.readyShare(
        stable == null ? 0 : stable.readyReplicas(), canary == null ? 0 : canary.readyReplicas());
  }

  @Override
  public boolean inForce(
      Traffic traffic,
      CanaryReplicas.Split split,
      VersionObservation stable,
      VersionObservation canary,
      boolean autoscaledStable,
      Optional<RouteObservation> route) {
    boolean stableSized =
        autoscaledStable || (stable != null && stable.replicas() == split.stable());
    return stableSized && TrafficRouter.podsReady(canary, split.canary());
  }
}
