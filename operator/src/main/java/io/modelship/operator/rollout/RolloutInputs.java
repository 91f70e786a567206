package io.modelship.operator.rollout;

import java.util.Map;

/**
 * Everything a planner may look at: the spec's wish, what the last status recorded and what the
 * cluster shows now. No client, no clock beyond what is passed in.
 *
 * @param targetVersion {@code spec.model.version}
 * @param replicas pods per version the spec asks for (minReplicas when autoscaled)
 * @param autoscaled whether an HPA owns the replica count of the serving version
 * @param stableVersion the version the last status recorded as serving, or {@code null}
 * @param observed Deployments by version
 */
public record RolloutInputs(
    String targetVersion,
    int replicas,
    boolean autoscaled,
    String stableVersion,
    Map<String, VersionObservation> observed) {

  public RolloutInputs {
    observed = Map.copyOf(observed);
  }
}
