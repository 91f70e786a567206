package io.modelship.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/** One direction of {@link AutoscalingBehavior}, as autoscaling/v2's {@code HPAScalingRules}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ScalingRules {

  /**
   * Seconds of past recommendations considered: scaling down takes the highest of the window,
   * scaling up the lowest. Absent: 0 for scale-up, the controller's window (5 min) for scale-down.
   */
  @Min(0)
  @Max(3600)
  private Integer stabilizationWindowSeconds;

  /**
   * Which policy wins when several apply: Max (default), Min, or Disabled (no scaling this way).
   */
  private ScalingSelectPolicy selectPolicy;

  /** At most how many pods (or percent of them) may change per period; absent: the defaults. */
  @Size(min = 1, max = 10)
  private List<ScalingPolicy> policies;

  public Integer getStabilizationWindowSeconds() {
    return stabilizationWindowSeconds;
  }

  public void setStabilizationWindowSeconds(Integer stabilizationWindowSeconds) {
    this.stabilizationWindowSeconds = stabilizationWindowSeconds;
  }

  public ScalingSelectPolicy getSelectPolicy() {
    return selectPolicy;
  }

  public void setSelectPolicy(ScalingSelectPolicy selectPolicy) {
    this.selectPolicy = selectPolicy;
  }

  public List<ScalingPolicy> getPolicies() {
    return policies;
  }

  public void setPolicies(List<ScalingPolicy> policies) {
    this.policies = policies;
  }
}
