package io.modelship.local.autoscale;

import io.fabric8.kubernetes.api.model.autoscaling.v2.HPAScalingPolicy;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HPAScalingRules;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBehavior;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * An HPA's {@code spec.behavior} with the documented defaults filled in, and how it turns the
 * metrics' recommendation into the count to scale to (pure; kube-controller-manager's {@code
 * normalizeDesiredReplicasWithBehaviors}):
 *
 * <ol>
 *   <li>stabilization: the highest recommendation of the scale-down window (default 300 s, the
 *       controller's {@code --horizontal-pod-autoscaler-downscale-stabilization}) caps a
 *       scale-down, the lowest of the scale-up window (default 0 s) a scale-up;
 *   <li>rate: a scale-up may add per period what the policies allow (default: 100 % or 4 pods per
 *       15 s, whichever is more), a scale-down remove 100 % per 15 s; the scale events of the
 *       period count against it;
 *   <li>min and max replicas.
 * </ol>
 *
 * <p>Example (defaults, window 300 s): recommendations 5, 3, 1 over the last 5 minutes with 5 pods
 * running keep 5; once the 5 is older than the window, 3. With 1 pod, a recommendation of 10 and
 * max 10: 1 + max(100 % of 1, 4) = 5 now, 10 one period later.
 */
public record ScalingBehavior(Rules scaleUp, Rules scaleDown) {

  public enum Select {
    Max,
    Min,
    Disabled
  }

  public enum PolicyType {
    Pods,
    Percent
  }

  public record Policy(PolicyType type, int value, int periodSeconds) {}

  public record Rules(int stabilizationSeconds, Select select, List<Policy> policies) {}

  /** One recommendation of the metrics, kept for the stabilization windows. */
  public record Recommendation(Instant at, int replicas) {}

  /** One rescale: {@code change} pods added (scale-up) or removed (scale-down, positive). */
  public record ScaleEvent(Instant at, int change) {}

  /** The count to scale to and why, as the HPA's AbleToScale and ScalingLimited conditions say. */
  public record Decision(
      int replicas,
      String ableReason,
      String ableMessage,
      boolean limited,
      String limitedReason,
      String limitedMessage) {}

  /**
   * {@code behavior} with every absent field at its default; a scale-down window left out is the
   * controller's {@code downscaleStabilization}.
   */
  public static ScalingBehavior of(
      HorizontalPodAutoscalerBehavior behavior, Duration downscaleStabilization) {
    HPAScalingRules up = behavior == null ? null : behavior.getScaleUp();
    HPAScalingRules down = behavior == null ? null : behavior.getScaleDown();
    return new ScalingBehavior(
        rules(
            up,
            0,
            List.of(new Policy(PolicyType.Percent, 100, 15), new Policy(PolicyType.Pods, 4, 15))),
        rules(
            down,
            (int) downscaleStabilization.toSeconds(),
            List.of(new Policy(PolicyType.Percent, 100, 15))));
  }

  private static Rules rules(HPAScalingRules given, int window, List<Policy> policies) {
    if (given == null) {
      return new Rules(window, Select.Max, policies);
    }
    List<Policy> own = new ArrayList<>();
    if (given.getPolicies() != null) {
      for (HPAScalingPolicy p : given.getPolicies()) {
        own.add(new Policy(PolicyType.valueOf(p.getType()), p.getValue(), p.getPeriodSeconds()));
      }
    }
    return new Rules(
        given.getStabilizationWindowSeconds() == null
            ? window
            : given.getStabilizationWindowSeconds(),
        given.getSelectPolicy() == null ? Select.Max : Select.valueOf(given.getSelectPolicy()),
        own.isEmpty() ? policies : List.copyOf(own));
  }

  /**
   * The count to scale to from {@code recommended} (the highest of the metrics' proposals), given
   * the earlier recommendations and scale events of this HPA (both oldest first; {@code
   * recommended} itself not yet among them).
   */
  public Decision decide(
      Instant now,
      int current,
      int recommended,
      int min,
      int max,
      List<Recommendation> recommendations,
      List<ScaleEvent> upEvents,
      List<ScaleEvent> downEvents) {
    int upLowest = recommended;
    int downHighest = recommended;
    Instant upCutoff = now.minusSeconds(scaleUp.stabilizationSeconds());
    Instant downCutoff = now.minusSeconds(scaleDown.stabilizationSeconds());
    for (Recommendation r : recommendations) {
      if (r.at().isAfter(upCutoff)) {
        upLowest = Math.min(upLowest, r.replicas());
      }
      if (r.at().isAfter(downCutoff)) {
        downHighest = Math.max(downHighest, r.replicas());
      }
    }
    int stabilized = Math.min(Math.max(current, upLowest), downHighest);
    String ableReason;
    String ableMessage;
    if (stabilized != recommended) {
      boolean up = recommended >= current;
      ableReason = up ? "ScaleUpStabilized" : "ScaleDownStabilized";
      ableMessage =
          up
              ? "recent recommendations were lower than current one, applying the lowest recent recommendation"
              : "recent recommendations were higher than current one, applying the highest recent recommendation";
    } else {
      ableReason = "ReadyForNewScale";
      ableMessage = "recommended size matches current size";
    }
    int replicas = stabilized;
    String reason = "DesiredWithinRange";
    String message = "the desired count is within the acceptable range";
    if (stabilized > current) {
      int limit = Math.max(current, upLimit(now, current, upEvents, downEvents));
      int allowed = max;
      if (allowed > limit) {
        allowed = limit;
        reason = "ScaleUpLimit";
        message = "the desired replica count is increasing faster than the maximum scale rate";
      } else {
        reason = "TooManyReplicas";
        message = "the desired replica count is more than the maximum replica count";
      }
      if (stabilized > allowed) {
        replicas = allowed;
      } else {
        reason = "DesiredWithinRange";
        message = "the desired count is within the acceptable range";
      }
    } else if (stabilized < current) {
      int limit = Math.min(current, downLimit(now, current, upEvents, downEvents));
      int allowed = min;
      if (allowed < limit) {
        allowed = limit;
        reason = "ScaleDownLimit";
        message = "the desired replica count is decreasing faster than the maximum scale rate";
      } else {
        reason = "TooFewReplicas";
        message = "the desired replica count is less than the minimum replica count";
      }
      if (stabilized < allowed) {
        replicas = allowed;
      } else {
        reason = "DesiredWithinRange";
        message = "the desired count is within the acceptable range";
      }
    }
    return new Decision(replicas, ableReason, ableMessage, replicas != stabilized, reason, message);
  }

  private int upLimit(
      Instant now, int current, List<ScaleEvent> upEvents, List<ScaleEvent> downEvents) {
    if (scaleUp.select() == Select.Disabled) {
      return current;
    }
    boolean min = scaleUp.select() == Select.Min;
    int result = min ? Integer.MAX_VALUE : Integer.MIN_VALUE;
    for (Policy p : scaleUp.policies()) {
      int periodStart = current - changed(now, p, upEvents) + changed(now, p, downEvents);
      int proposed =
          p.type() == PolicyType.Pods
              ? periodStart + p.value()
              : (int) Math.ceil(periodStart * (1 + p.value() / 100.0));
      result = min ? Math.min(result, proposed) : Math.max(result, proposed);
    }
    return result;
  }

  private int downLimit(
      Instant now, int current, List<ScaleEvent> upEvents, List<ScaleEvent> downEvents) {
    if (scaleDown.select() == Select.Disabled) {
      return current;
    }
    boolean min = scaleDown.select() == Select.Min;
    int result = min ? Integer.MIN_VALUE : Integer.MAX_VALUE;
    for (Policy p : scaleDown.policies()) {
      int periodStart = current - changed(now, p, upEvents) + changed(now, p, downEvents);
      int proposed =
          p.type() == PolicyType.Pods
              ? periodStart - p.value()
              : (int) (periodStart * (1 - p.value() / 100.0));
      result = min ? Math.max(result, proposed) : Math.min(result, proposed);
    }
    return result;
  }

  private static int changed(Instant now, Policy p, List<ScaleEvent> events) {
    Instant cutoff = now.minusSeconds(p.periodSeconds());
    return events.stream().filter(e -> e.at().isAfter(cutoff)).mapToInt(ScaleEvent::change).sum();
  }

  /** How long recommendations and events must be kept to decide: the longest window or period. */
  public Duration memory() {
    int longest = Math.max(scaleUp.stabilizationSeconds(), scaleDown.stabilizationSeconds());
    for (Policy p : scaleUp.policies()) {
      longest = Math.max(longest, p.periodSeconds());
    }
    for (Policy p : scaleDown.policies()) {
      longest = Math.max(longest, p.periodSeconds());
    }
    return Duration.ofSeconds(longest);
  }
}
