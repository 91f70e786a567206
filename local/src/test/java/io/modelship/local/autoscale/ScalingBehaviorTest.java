package io.modelship.local.autoscale;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBehaviorBuilder;
import io.modelship.local.autoscale.ScalingBehavior.Decision;
import io.modelship.local.autoscale.ScalingBehavior.Recommendation;
import io.modelship.local.autoscale.ScalingBehavior.ScaleEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The documentation's "Scaling policies", "Stabilization window" and "Default Behavior". */
class ScalingBehaviorTest {

  static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");
  static final ScalingBehavior DEFAULTS = ScalingBehavior.of(null, Duration.ofMinutes(5));

  @Test
  void defaultsAreTheDocumented() {
    assertThat(DEFAULTS.scaleUp().stabilizationSeconds()).isZero();
    assertThat(DEFAULTS.scaleUp().policies())
        .containsExactly(
            new ScalingBehavior.Policy(ScalingBehavior.PolicyType.Percent, 100, 15),
            new ScalingBehavior.Policy(ScalingBehavior.PolicyType.Pods, 4, 15));
    assertThat(DEFAULTS.scaleDown().stabilizationSeconds()).isEqualTo(300);
    assertThat(DEFAULTS.scaleDown().policies())
        .containsExactly(new ScalingBehavior.Policy(ScalingBehavior.PolicyType.Percent, 100, 15));
  }

  /** Docs: a scale-down takes the highest recommendation of the last 300 s. */
  @Test
  void aScaleDownWaitsForTheWindow() {
    var recent =
        List.of(
            new Recommendation(NOW.minusSeconds(240), 5),
            new Recommendation(NOW.minusSeconds(120), 3));
    Decision d = DEFAULTS.decide(NOW, 5, 1, 1, 10, recent, List.of(), List.of());
    assertThat(d.replicas()).isEqualTo(5);
    assertThat(d.ableReason()).isEqualTo("ScaleDownStabilized");
    // the 5 has left the window: the highest left is 3
    var later =
        List.of(
            new Recommendation(NOW.minusSeconds(301), 5),
            new Recommendation(NOW.minusSeconds(120), 3));
    assertThat(DEFAULTS.decide(NOW, 5, 1, 1, 10, later, List.of(), List.of()).replicas())
        .isEqualTo(3);
  }

  /** Docs: behavior.scaleDown.stabilizationWindowSeconds shortens it. */
  @Test
  void theHpasBehaviorShortensTheWindow() {
    var behavior =
        ScalingBehavior.of(
            new HorizontalPodAutoscalerBehaviorBuilder()
                .withNewScaleDown()
                .withStabilizationWindowSeconds(30)
                .endScaleDown()
                .build(),
            Duration.ofMinutes(5));
    assertThat(behavior.scaleDown().stabilizationSeconds()).isEqualTo(30);
    assertThat(behavior.scaleDown().policies())
        .as("policies left out keep their defaults")
        .hasSize(1);
    var recent =
        List.of(
            new Recommendation(NOW.minusSeconds(45), 3),
            new Recommendation(NOW.minusSeconds(15), 1));
    assertThat(behavior.decide(NOW, 3, 1, 1, 3, recent, List.of(), List.of()).replicas())
        .isEqualTo(1);
  }

  /**
   * The controller's --horizontal-pod-autoscaler-downscale-stabilization applies where the HPA sets
   * none.
   */
  @Test
  void theControllersWindowAppliesWhereTheHpaSetsNone() {
    assertThat(ScalingBehavior.of(null, Duration.ofSeconds(30)).scaleDown().stabilizationSeconds())
        .isEqualTo(30);
    var upOnly =
        new HorizontalPodAutoscalerBehaviorBuilder()
            .withNewScaleUp()
            .withStabilizationWindowSeconds(60)
            .endScaleUp()
            .build();
    assertThat(
            ScalingBehavior.of(upOnly, Duration.ofSeconds(30)).scaleDown().stabilizationSeconds())
        .isEqualTo(30);
    assertThat(ScalingBehavior.of(upOnly, Duration.ofSeconds(30)).scaleUp().stabilizationSeconds())
        .isEqualTo(60);
  }

  /**
   * The behavior as the operator writes it from {@code spec.autoscaling.behavior} (defaults written
   * out, the scale-down window left to the controller): a platform team's "one pod a minute" is
   * honoured after the controller's window, and the written-out scale-up defaults act as the
   * defaults do.
   */
  @Test
  void theOperatorsBehaviorIsHonoured() {
    var written =
        new HorizontalPodAutoscalerBehaviorBuilder()
            .withNewScaleUp()
            .withStabilizationWindowSeconds(0)
            .withSelectPolicy("Max")
            .addNewPolicy()
            .withType("Pods")
            .withValue(4)
            .withPeriodSeconds(15)
            .endPolicy()
            .addNewPolicy()
            .withType("Percent")
            .withValue(100)
            .withPeriodSeconds(15)
            .endPolicy()
            .endScaleUp()
            .withNewScaleDown()
            .withSelectPolicy("Max")
            .addNewPolicy()
            .withType("Pods")
            .withValue(1)
            .withPeriodSeconds(60)
            .endPolicy()
            .endScaleDown()
            .build();
    var behavior = ScalingBehavior.of(written, Duration.ofSeconds(30));
    assertThat(behavior.scaleDown().stabilizationSeconds()).isEqualTo(30);
    // 5 pods, everything says 1: within the window nothing happens, after it one pod goes
    var recent = List.of(new Recommendation(NOW.minusSeconds(20), 5));
    assertThat(behavior.decide(NOW, 5, 1, 1, 10, recent, List.of(), List.of()).replicas())
        .isEqualTo(5);
    var old = List.of(new Recommendation(NOW.minusSeconds(40), 5));
    Decision d = behavior.decide(NOW, 5, 1, 1, 10, old, List.of(), List.of());
    assertThat(d.replicas()).isEqualTo(4);
    assertThat(d.limitedReason()).isEqualTo("ScaleDownLimit");
    // and not another one within the minute
    var removedOne = List.of(new ScaleEvent(NOW.minusSeconds(30), 1));
    assertThat(behavior.decide(NOW, 4, 1, 1, 10, old, List.of(), removedOne).replicas())
        .isEqualTo(4);
    assertThat(behavior.decide(NOW, 1, 10, 1, 10, List.of(), List.of(), List.of()).replicas())
        .as("the default scale-up, as written out: 1 + max(4 pods, 100 percent)")
        .isEqualTo(5);
  }

  /**
   * Default scale-up: the larger of 100 % and 4 pods per 15 s; 1 → 5, then 10 once the period has
   * passed.
   */
  @Test
  void aScaleUpIsLimitedPerPeriod() {
    Decision first = DEFAULTS.decide(NOW, 1, 10, 1, 10, List.of(), List.of(), List.of());
    assertThat(first.replicas()).isEqualTo(5);
    assertThat(first.limited()).isTrue();
    assertThat(first.limitedReason()).isEqualTo("ScaleUpLimit");
    // 5 s later the 4 added still count against the period: 1 + max(100 % of 1, 4) = 5 at most
    var added = List.of(new ScaleEvent(NOW, 4));
    assertThat(
            DEFAULTS
                .decide(NOW.plusSeconds(5), 5, 10, 1, 10, List.of(), added, List.of())
                .replicas())
        .isEqualTo(5);
    // after the period: 5 + max(5, 4) = 10
    assertThat(
            DEFAULTS
                .decide(NOW.plusSeconds(16), 5, 10, 1, 10, List.of(), added, List.of())
                .replicas())
        .isEqualTo(10);
    // 100 % of 8 beats 4 pods: 16
    assertThat(DEFAULTS.decide(NOW, 8, 20, 1, 40, List.of(), List.of(), List.of()).replicas())
        .isEqualTo(16);
  }

  @Test
  void minAndMaxBound() {
    Decision tooMany = DEFAULTS.decide(NOW, 2, 5, 1, 3, List.of(), List.of(), List.of());
    assertThat(tooMany.replicas()).isEqualTo(3);
    assertThat(tooMany.limitedReason()).isEqualTo("TooManyReplicas");
    var window = ScalingBehavior.of(null, Duration.ZERO);
    Decision tooFew = window.decide(NOW, 3, 0, 1, 3, List.of(), List.of(), List.of());
    assertThat(tooFew.replicas()).isEqualTo(1);
    assertThat(tooFew.limitedReason()).isEqualTo("TooFewReplicas");
    Decision within = DEFAULTS.decide(NOW, 2, 3, 1, 5, List.of(), List.of(), List.of());
    assertThat(within.replicas()).isEqualTo(3);
    assertThat(within.limited()).isFalse();
    assertThat(within.limitedReason()).isEqualTo("DesiredWithinRange");
  }

  /**
   * Docs' example policy: scale down at most 4 pods or 10 % per minute, selectPolicy Min: the
   * smaller change.
   */
  @Test
  void scaleDownPoliciesAndSelectPolicy() {
    var behavior =
        ScalingBehavior.of(
            new HorizontalPodAutoscalerBehaviorBuilder()
                .withNewScaleDown()
                .withStabilizationWindowSeconds(0)
                .withSelectPolicy("Min")
                .addNewPolicy()
                .withType("Pods")
                .withValue(4)
                .withPeriodSeconds(60)
                .endPolicy()
                .addNewPolicy()
                .withType("Percent")
                .withValue(10)
                .withPeriodSeconds(60)
                .endPolicy()
                .endScaleDown()
                .build(),
            Duration.ofMinutes(5));
    // 80 pods: Pods removes 4 (76), Percent 10 % = 8 (72); Min picks the smaller change: 76
    Decision d = behavior.decide(NOW, 80, 10, 1, 100, List.of(), List.of(), List.of());
    assertThat(d.replicas()).isEqualTo(76);
    assertThat(d.limitedReason()).isEqualTo("ScaleDownLimit");
    var disabled =
        ScalingBehavior.of(
            new HorizontalPodAutoscalerBehaviorBuilder()
                .withNewScaleDown()
                .withSelectPolicy("Disabled")
                .endScaleDown()
                .build(),
            Duration.ZERO);
    assertThat(disabled.decide(NOW, 5, 1, 1, 10, List.of(), List.of(), List.of()).replicas())
        .isEqualTo(5);
  }

  /** Docs: a scale-up stabilization window takes the lowest recommendation in it. */
  @Test
  void aScaleUpWindowTakesTheLowest() {
    var behavior =
        ScalingBehavior.of(
            new HorizontalPodAutoscalerBehaviorBuilder()
                .withNewScaleUp()
                .withStabilizationWindowSeconds(60)
                .endScaleUp()
                .build(),
            Duration.ofMinutes(5));
    var recent = List.of(new Recommendation(NOW.minusSeconds(30), 2));
    Decision d = behavior.decide(NOW, 2, 6, 1, 10, recent, List.of(), List.of());
    assertThat(d.replicas()).isEqualTo(2);
    assertThat(d.ableReason()).isEqualTo("ScaleUpStabilized");
  }
}
