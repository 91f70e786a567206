package io.modelship.operator.rollout.traffic;

import io.modelship.api.v1alpha1.status.HeaderRoute;

/**
 * Where requests should go after this reconcile, for the Services and the route.
 *
 * @param serviceVersion the only version behind {@code <name>}; {@code null} selects every version
 *     (replica-ratio canary and rolling updates)
 * @param previewVersion the version behind {@code <name>-preview}; {@code null}: no preview Service
 * @param stableVersion version the route sends the rest of the traffic to
 * @param canaryVersion new version on the route; {@code null} when none
 * @param canaryWeight route weight of the new version, 0 to 100
 * @param mirrorPercent share mirrored to the new version; {@code null} when none
 * @param headerRoute header that sends requests to the new version; {@code null} when none
 */
public record Traffic(
    String serviceVersion,
    String previewVersion,
    String stableVersion,
    String canaryVersion,
    int canaryWeight,
    Integer mirrorPercent,
    HeaderRoute headerRoute) {

  /** Everything to one version, or to all versions' pods alike when {@code version} is null. */
  public static Traffic all(String version) {
    return new Traffic(null, null, version, null, 0, null, null);
  }

  /** A header route: requests whose header {@code name} is exactly {@code value}. */
  public static HeaderRoute headerRoute(String name, String value) {
    var h = new HeaderRoute();
    h.setName(name);
    h.setValue(value);
    return h;
  }
}
