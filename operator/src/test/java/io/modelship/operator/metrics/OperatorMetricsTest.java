package io.modelship.operator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.modelship.operator.rollout.plan.RolloutTransition;
import io.modelship.operator.rollout.plan.RolloutTransition.Kind;
import io.modelship.operator.rollout.plan.RolloutTransition.Reason;
import org.junit.jupiter.api.Test;

class OperatorMetricsTest {

  @Test
  void rolloutTransitionsCountByKindWithTheTypedReason() {
    var registry = new SimpleMeterRegistry();
    var metrics = new OperatorMetrics(registry);
    metrics.rollout(new RolloutTransition(Kind.STEP_ADVANCED, Reason.STEPS, "a"), true);
    metrics.rollout(new RolloutTransition(Kind.STEP_ADVANCED, Reason.MANUAL, "b"), true);
    metrics.rollout(new RolloutTransition(Kind.ROLLED_BACK, Reason.ANALYSIS_FAILED, "c"), true);
    metrics.rollout(new RolloutTransition(Kind.ABORTED, Reason.MANUAL, "d"), true);
    metrics.rollout(new RolloutTransition(Kind.PROMOTED, Reason.STEPS, "e"), true);
    metrics.rollout(new RolloutTransition(Kind.PROMOTED, Reason.STEPS, "first version"), false);

    assertThat(
            registry
                .get("modelship.operator.rollout.steps")
                .tag("reason", "steps")
                .counter()
                .count())
        .isEqualTo(1);
    assertThat(
            registry
                .get("modelship.operator.rollout.steps")
                .tag("reason", "manual")
                .counter()
                .count())
        .isEqualTo(1);
    assertThat(
            registry
                .get("modelship.operator.rollout.rollbacks")
                .tag("reason", "analysis_failed")
                .counter()
                .count())
        .isEqualTo(1);
    assertThat(
            registry
                .get("modelship.operator.rollout.aborts")
                .tag("reason", "manual")
                .counter()
                .count())
        .isEqualTo(1);
    assertThat(
            registry
                .get("modelship.operator.rollout.promotions")
                .tag("reason", "steps")
                .counter()
                .count())
        .isEqualTo(2);
    assertThat(registry.get("modelship.operator.rollouts").counter().count())
        .as("only replacements")
        .isEqualTo(1);
  }
}
