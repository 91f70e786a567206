package io.modelship.operator.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.modelship.operator.rollout.plan.RolloutTransition;
import java.util.Locale;

/** The operator's own counters, next to the JOSDK metrics on /metrics. */
public final class OperatorMetrics {

  private final MeterRegistry registry;
  private final Counter reconciles;
  private final Counter rollouts;
  private final Counter driftAlerts;
  private final Counter statusWrites;
  private final DeploymentMetrics deployments;

  public OperatorMetrics(MeterRegistry registry) {
    this.registry = registry;
    // Before JOSDK registers its meters (the operator is built after this), so they get HELP texts.
    registry.config().meterFilter(new JosdkDescriptions());
    reconciles =
        Counter.builder("modelship.operator.reconciles")
            .description("Reconciles run")
            .register(registry);
    rollouts =
        Counter.builder("modelship.operator.rollouts")
            .description("Versions promoted to stable")
            .register(registry);
    driftAlerts =
        Counter.builder("modelship.operator.drift.alerts")
            .description("Drifted conditions turned True")
            .register(registry);
    statusWrites =
        Counter.builder("modelship.operator.status.writes")
            .description("Status merge patches sent")
            .register(registry);
    deployments = new DeploymentMetrics(registry);
    // Every kind and reason from 0: a board or an alert on aborts must not see "no data" until the
    // first one.
    for (RolloutTransition.Kind kind : RolloutTransition.Kind.values()) {
      for (RolloutTransition.Reason reason : RolloutTransition.Reason.values()) {
        transitionCounter(kind, reason);
      }
    }
  }

  /** The per-ModelDeployment series (phase, versions, weights, verdicts, replicas). */
  public DeploymentMetrics deployments() {
    return deployments;
  }

  public void reconciled() {
    reconciles.increment();
  }

  /**
   * Counts a rollout transition: {@code modelship_operator_rollout_steps_total}, {@code
   * ..._promotions_total}, {@code ..._rollbacks_total}, {@code ..._aborts_total} (and the other
   * kinds), each with the typed reason as the {@code reason} tag.
   *
   * @param replacedStable whether a promotion replaced an earlier version (counted in
   *     rollouts_total)
   */
  public void rollout(RolloutTransition transition, boolean replacedStable) {
    transitionCounter(transition.kind(), transition.reason()).increment();
    if (transition.kind() == RolloutTransition.Kind.PROMOTED && replacedStable) {
      rollouts.increment();
    }
  }

  public void driftAlerted() {
    driftAlerts.increment();
  }

  public void statusWritten() {
    statusWrites.increment();
  }

  private Counter transitionCounter(RolloutTransition.Kind kind, RolloutTransition.Reason reason) {
    String name =
        switch (kind) {
          case STEP_ADVANCED -> "modelship.operator.rollout.steps";
          case PROMOTED -> "modelship.operator.rollout.promotions";
          case ROLLED_BACK -> "modelship.operator.rollout.rollbacks";
          case ABORTED, REVERTED -> "modelship.operator.rollout.aborts";
          case PAUSED -> "modelship.operator.rollout.pauses";
          case RETRIED -> "modelship.operator.rollout.retries";
          case SWITCHED -> "modelship.operator.rollout.switches";
        };
    return Counter.builder(name)
        .description("Rollout transitions of this kind, by reason")
        .tag("reason", reason.name().toLowerCase(Locale.ROOT))
        .register(registry);
  }
}
