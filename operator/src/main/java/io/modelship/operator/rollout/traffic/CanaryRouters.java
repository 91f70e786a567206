package io.modelship.operator.rollout.traffic;

import io.modelship.api.v1alpha1.status.HeaderRoute;
import java.util.Objects;
import java.util.Optional;

/** The two ways a canary weight is carried. */
public final class CanaryRouters {

  private CanaryRouters() {}

  /**
   * Weights by replica ratio on the shared Service {@code <name>}, which selects every version: the
   * share of the new version is the share of its ready pods. No mirror or header routes.
   */
  public record ReplicaRatio() implements TrafficRouter {

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

  /**
   * Weights on a Gateway API HTTPRoute with one backendRef per version's Service; the canary's pods
   * only carry what the route sends, and the weight is in force once the route says so.
   */
  public record GatewayApi() implements TrafficRouter {

    @Override
    public CanaryReplicas.Split split(int weight, int total, boolean autoscaledStable) {
      return CanaryReplicas.behindRoute(weight, total);
    }

    @Override
    public Traffic traffic(
        String stable, String canary, int weight, Integer mirrorPercent, HeaderRoute headerRoute) {
      return new Traffic(stable, null, stable, canary, weight, mirrorPercent, headerRoute);
    }

    @Override
    public int actualWeight(
        VersionObservation stable,
        VersionObservation canary,
        Optional<RouteObservation> route,
        String canaryVersion) {
      return route
          .map(
              r -> {
                int canaryWeight = r.weights().getOrDefault(canaryVersion, 0);
                int all = r.weights().values().stream().mapToInt(Integer::intValue).sum();
                return all == 0 ? 0 : (int) Math.round(100.0 * canaryWeight / all);
              })
          .orElse(0);
    }

    @Override
    public boolean inForce(
        Traffic traffic,
        CanaryReplicas.Split split,
        VersionObservation stable,
        VersionObservation canary,
        boolean autoscaledStable,
        Optional<RouteObservation> route) {
      int pods =
          Math.max(
              split.canary(),
              traffic.mirrorPercent() != null || traffic.headerRoute() != null ? 1 : 0);
      if (!TrafficRouter.podsReady(canary, pods)) {
        return false;
      }
      return route
          .map(
              r ->
                  r.weights().getOrDefault(traffic.canaryVersion(), 0) == traffic.canaryWeight()
                      && r.weights().getOrDefault(traffic.stableVersion(), 0)
                          == 100 - traffic.canaryWeight()
                      && Objects.equals(r.mirrorPercent(), traffic.mirrorPercent())
                      && sameHeader(r.headerRoute(), traffic.headerRoute()))
          .orElse(false);
    }

    private static boolean sameHeader(HeaderRoute a, HeaderRoute b) {
      if (a == null || b == null) {
        return a == b;
      }
      return Objects.equals(a.getName(), b.getName()) && Objects.equals(a.getValue(), b.getValue());
    }
  }
}
