package io.modelship.operator.rollout.plan;

import io.modelship.api.v1alpha1.status.Phase;
import io.modelship.api.v1alpha1.status.RolloutRecord;
import io.modelship.api.v1alpha1.status.RolloutStatus;
import io.modelship.operator.rollout.traffic.Traffic;
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
 * @param lookAgain when the plan changes by itself (a pause ends, a judgement is due); empty: on
 *     events
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

  /**
   * What a progressive run records with every plan it returns: the status it built, what happened
   * in this reconcile and when to look again.
   */
  public record Progress(
      RolloutStatus rollout, List<RolloutTransition> transitions, Optional<Duration> lookAgain) {}

  /** A plan without rollout state: rolling updates and steady states. */
  public static RolloutPlan rollingUpdate(
      List<VersionTarget> targets,
      String stableVersion,
      String autoscaledVersion,
      Phase phase,
      boolean progressing,
      String message) {
    return new RolloutPlan(
        targets,
        stableVersion,
        autoscaledVersion,
        phase,
        progressing,
        message,
        progressing ? "RollingOut" : "RolloutComplete",
        Traffic.all(null),
        null,
        Optional.empty(),
        Optional.empty(),
        List.of());
  }

  /**
   * One version serves everything, nothing is being rolled out (or a rolling update retires what is
   * left): {@code version} is stable, and the HPA, when there is one, scales it.
   */
  public static RolloutPlan settled(
      VersionTarget target,
      boolean autoscaled,
      Phase phase,
      boolean progressing,
      String message,
      String reason,
      RolloutStatus rollout,
      Optional<RolloutRecord> outcome,
      List<RolloutTransition> transitions) {
    String version = target.version();
    return new RolloutPlan(
        List.of(target),
        version,
        autoscaled ? version : null,
        phase,
        progressing,
        message,
        reason,
        Traffic.all(null),
        rollout,
        outcome,
        Optional.empty(),
        transitions);
  }

  /**
   * A rollout under way ({@link Phase#Progressing}) or waiting ({@link Phase#Paused}): the stable
   * version still counts as serving and keeps the HPA.
   */
  public static RolloutPlan running(
      Progress progress,
      List<VersionTarget> targets,
      String stable,
      boolean autoscaled,
      Phase phase,
      String reason,
      String message,
      Traffic traffic) {
    return new RolloutPlan(
        targets,
        stable,
        autoscaled ? stable : null,
        phase,
        true,
        message,
        reason,
        traffic,
        progress.rollout(),
        Optional.empty(),
        progress.lookAgain(),
        progress.transitions());
  }

  /**
   * The new version took over: it serves everything at full size, with a Promoted history entry.
   */
  public static RolloutPlan promoted(
      Progress progress,
      VersionTarget target,
      boolean autoscaled,
      String message,
      RolloutRecord record) {
    return new RolloutPlan(
        List.of(target),
        target.version(),
        autoscaled ? target.version() : null,
        Phase.Healthy,
        false,
        message,
        "RolloutComplete",
        Traffic.all(null),
        progress.rollout(),
        Optional.of(record),
        Optional.empty(),
        progress.transitions());
  }

  /**
   * Rolled back or aborted ({@code reason}): the stable version serves everything, the new one is
   * gone; {@code record} is the history entry when the rollout ended in this reconcile.
   */
  public static RolloutPlan rolledBack(
      Progress progress,
      VersionTarget stable,
      boolean autoscaled,
      String reason,
      String message,
      Traffic traffic,
      Optional<RolloutRecord> record) {
    return new RolloutPlan(
        List.of(stable),
        stable.version(),
        autoscaled ? stable.version() : null,
        Phase.Degraded,
        false,
        message,
        reason,
        traffic,
        progress.rollout(),
        record,
        Optional.empty(),
        progress.transitions());
  }

  /** The same plan recording {@code status} as {@code status.rollout}. */
  public RolloutPlan with(RolloutStatus status) {
    return new RolloutPlan(
        targets,
        stableVersion,
        autoscaledVersion,
        phase,
        progressing,
        message,
        reason,
        traffic,
        status,
        outcome,
        lookAgain,
        transitions);
  }

  public Optional<String> canaryVersion() {
    return Optional.ofNullable(traffic.canaryVersion());
  }
}
