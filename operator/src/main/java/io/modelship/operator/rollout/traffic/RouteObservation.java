package io.modelship.operator.rollout.traffic;

import io.modelship.api.v1alpha1.status.HeaderRoute;
import java.util.Map;

/**
 * The weighted route as read.
 *
 * @param weights backendRef weight per version
 * @param mirrorPercent mirror share in force, {@code null} when none
 * @param headerRoute header match to the new version in force, {@code null} when none
 */
public record RouteObservation(
    Map<String, Integer> weights, Integer mirrorPercent, HeaderRoute headerRoute) {}
