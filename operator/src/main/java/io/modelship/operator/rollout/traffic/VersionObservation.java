package io.modelship.operator.rollout.traffic;

/**
 * What the cluster shows for one version's Deployment.
 *
 * @param version model version the Deployment serves
 * @param replicas pods the Deployment asks for
 * @param readyReplicas pods that pass readiness
 * @param updatedReplicas pods running the Deployment's current template
 */
public record VersionObservation(
    String version, int replicas, int readyReplicas, int updatedReplicas) {}
