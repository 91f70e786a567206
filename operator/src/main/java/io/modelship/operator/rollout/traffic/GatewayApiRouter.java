package io.modelship.operator.rollout.traffic;

import io.modelship.api.v1alpha1.status.HeaderRoute;
import java.util.Objects;
import java.util.Optional;

/**
 * Weights on a Gateway API HTTPRoute with one backendRef per version's Service; the canary's pods
 * only carry what the route sends, and the weight is in force once the route says so. The route
 * itself is read and written by {@link GatewayApiRoute}.
 */
public record GatewayApiRouter() implements TrafficRouter {

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
