package io.modelship.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

@ValidationRule(
    value = "!has(self.minReplicas) || self.minReplicas <= self.maxReplicas",
    message = "minReplicas must not exceed maxReplicas")
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AutoscalingSpec {

  /** Lower bound of pods; defaults to 1. */
  @Min(1)
  private Integer minReplicas;

  /** Upper bound of pods. */
  @Required
  @Min(1)
  private Integer maxReplicas;

  /** Average CPU utilisation target in percent; defaults to 80. */
  @Min(1)
  @Max(100)
  private Integer targetCPUUtilizationPercentage;

  /**
   * Requests per second per pod, scaled on through the Pods metric modelship_requests_per_second.
   */
  @Min(1)
  private Integer targetRequestsPerSecond;

  /**
   * How fast pods may be added and removed, written into the HPA's spec.behavior (autoscaling/v2's
   * names); absent: Kubernetes' defaults.
   */
  private AutoscalingBehavior behavior;

  public Integer getMinReplicas() {
    return minReplicas;
  }

  public void setMinReplicas(Integer minReplicas) {
    this.minReplicas = minReplicas;
  }

  public Integer getMaxReplicas() {
    return maxReplicas;
  }

  public void setMaxReplicas(Integer maxReplicas) {
    this.maxReplicas = maxReplicas;
  }

  public Integer getTargetCPUUtilizationPercentage() {
    return targetCPUUtilizationPercentage;
  }

  public void setTargetCPUUtilizationPercentage(Integer targetCPUUtilizationPercentage) {
    this.targetCPUUtilizationPercentage = targetCPUUtilizationPercentage;
  }

  public Integer getTargetRequestsPerSecond() {
    return targetRequestsPerSecond;
  }

  public void setTargetRequestsPerSecond(Integer targetRequestsPerSecond) {
    this.targetRequestsPerSecond = targetRequestsPerSecond;
  }

  public AutoscalingBehavior getBehavior() {
    return behavior;
  }

  public void setBehavior(AutoscalingBehavior behavior) {
    this.behavior = behavior;
  }
}
