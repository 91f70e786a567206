package io.modelship.operator.rollout.traffic;

import io.modelship.api.v1alpha1.spec.RolloutSpec;
import io.modelship.api.v1alpha1.status.HeaderRoute;
import java.util.Optional;

/**
 * How a canary weight reaches requests, and how to tell it did: one implementation per router, each
 * deciding what is written (the {@link Traffic} and the pods per side) and verifying it; a step
 * completes only when {@link #inForce} says so. The JOSDK dependents write the Deployment sizes and
 * Services as decided here; the Gateway API route is written by {@link GatewayApiRoute}.
 */
public sealed interface TrafficRouter permits ReplicaRatioRouter, GatewayApiRouter {

  /**
   * Pods per side for {@code weight}, given the spec's size or, when autoscaled, the stable side's.
   */
  CanaryReplicas.Split split(int weight, int total, boolean autoscaledStable);

  /** Where requests go for this weight. */
  Traffic traffic(
      String stable, String canary, int weight, Integer mirrorPercent, HeaderRoute headerRoute);

  /** The share the new version really gets now. */
  int actualWeight(
      VersionObservation stable,
      VersionObservation canary,
      Optional<RouteObservation> route,
      String canaryVersion);

  /**
   * Whether the traffic is in force: pods ready at their sizes and, for a route, the route written.
   */
  boolean inForce(
      Traffic traffic,
      CanaryReplicas.Split split,
      VersionObservation stable,
      VersionObservation canary,
      boolean autoscaledStable,
      Optional<RouteObservation> route);

  /** The router of a rollout spec: Gateway API when its canary names a route, else replicas. */
  static TrafficRouter of(RolloutSpec rollout) {
    return GatewayApiRoute.routing(rollout).isPresent()
        ? new GatewayApiRouter()
        : new ReplicaRatioRouter();
  }

  /** Pods of one side ready at the size asked for (an absent Deployment is ready at 0). */
  static boolean podsReady(VersionObservation o, int wanted) {
    if (wanted == 0) {
      return o == null || o.replicas() == 0 || o.readyReplicas() == 0;
    }
    return o != null
        && o.replicas() == wanted
        && o.readyReplicas() >= wanted
        && o.updatedReplicas() >= wanted;
  }
}
