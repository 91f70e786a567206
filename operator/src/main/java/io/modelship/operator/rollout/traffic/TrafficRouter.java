package io.modelship.operator.rollout.traffic;

import io.modelship.api.v1alpha1.spec.CanarySpec;
import io.modelship.api.v1alpha1.status.HeaderRoute;
import io.modelship.operator.rollout.traffic.CanaryRouters.GatewayApi;
import io.modelship.operator.rollout.traffic.CanaryRouters.ReplicaRatio;
import java.util.Optional;

/**
 * How a canary weight reaches requests, and how to tell it did. Setting it is the dependents' job
 * (Deployment sizes, Services, the route), from the {@link Traffic} and the split a router returns;
 * a step completes only when {@link #inForce} says so.
 */
public sealed interface TrafficRouter permits ReplicaRatio, GatewayApi {

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

  static TrafficRouter of(CanarySpec canary) {
    boolean gateway =
        canary != null
            && canary.getTrafficRouting() != null
            && canary.getTrafficRouting().getGatewayAPI() != null;
    return gateway ? new GatewayApi() : new ReplicaRatio();
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
