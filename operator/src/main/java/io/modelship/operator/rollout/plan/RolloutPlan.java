package io.modelship.operator.rollout.plan;

import io.modelship.operator.rollout.traffic.Traffic;
import io.modelship.api.v1alpha1.status.Phase;
import io.modelship.api.v1alpha1.status.RolloutRecord;
import io.modelship.api.v1alpha1.status.RolloutStatus;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What should exist after this reconcile and how the rollout stands.
 *
 * @param targets Deployments to keep or create; every other serving Deployment goes
 * @param stableVersion version that serves all traffic, {@code null} before the first is ready
 * @param autoscaledVersion version whose Deployment the HPA scales, {@code null} when none
 * @param phase rollout phase, before problems seen on pods or reports are taken into account
 * @param progressing whether pods are still being brought up or replaced
 * @param message what the rollout is doing, for the Progressing condition
 * @param reason the Progressing condition's reason
 * @param traffic where requests go
 * @param rollout {@code status.rollout} to record; {@code null} leaves none
 * @param outcome a history entry to append, when a rollout ended in this reconcile
 * @param lookAgain when the plan changes by itself (a pause ends, a judgement is due); empty: on events
 * @param transitions what happened in this reconcile, for Events and metrics
 */
public record RolloutPlan(
    List<VersionTarget> targets,
    String stableVersion,
    String autoscaledVersion,
    Phase phase,
    boolean progressing,
    String message,
    String reason,
    Traffic traffic,
    RolloutStatus rollout,
    Optional<RolloutRecord> outcome,
    Optional<Duration> lookAgain,
    List<RolloutTransition> transitions) {

  public RolloutPlan {
    targets = List.copyOf(targets);
    transitions = List.copyOf(transitions);
  }

  /** A plan without rollout state: rolling updates and steady states. */
  public RolloutPlan(List<VersionTarget> targets, String stableVersion, String autoscaledVersion, Phase phase,
      boolean progressing, String message) {
    this(targets, stableVersion, autoscaledVersion, phase, progressing, message,
        progressing ? "RollingOut" : "RolloutComplete", Traffic.all(null), null, Optional.empty(), Optional.empty(),
        List.of());
  }

  /** The same plan recording {@code status} as {@code status.rollout}. */
  public RolloutPlan with(RolloutStatus status) {
    return new RolloutPlan(targets, stableVersion, autoscaledVersion, phase, progressing, message, reason, traffic,
        status, outcome, lookAgain, transitions);
  }

  public Optional<String> canaryVersion() {
    return Optional.ofNullable(traffic.canaryVersion());
  }
}
