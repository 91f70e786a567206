package io.modelship.operator.rollout;

import io.modelship.api.v1alpha1.status.Phase;
import java.util.List;

/**
 * What should exist after this reconcile and how the rollout stands.
 *
 * @param targets Deployments to keep or create; every other serving Deployment goes
 * @param stableVersion version that serves all traffic, {@code null} before the first is ready
 * @param autoscaledVersion version whose Deployment the HPA scales, {@code null} when none
 * @param phase rollout phase, before problems seen on pods or reports are taken into account
 * @param progressing whether pods are still being brought up or replaced
 * @param message what the rollout is doing, for the Progressing condition
 */
public record RolloutPlan(
    List<VersionTarget> targets,
    String stableVersion,
    String autoscaledVersion,
    Phase phase,
    boolean progressing,
    String message) {

  public RolloutPlan {
    targets = List.copyOf(targets);
  }
}
