package io.modelship.operator.rollout.plan;

/**
 * One Deployment the operator wants to exist.
 *
 * @param version model version it serves
 * @param replicas pods to ask for; {@code null} leaves the count to the HorizontalPodAutoscaler
 * @param fromSpec true when the pod template comes from the current spec; false for a version that
 *     is kept running as it is until its successor is ready
 */
public record VersionTarget(String version, Integer replicas, boolean fromSpec) {}
