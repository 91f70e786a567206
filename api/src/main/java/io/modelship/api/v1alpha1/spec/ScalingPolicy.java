package io.modelship.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;

/** At most {@code value} pods, or percent of the pods, changed per {@code periodSeconds}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ScalingPolicy {

  /** Pods or Percent. */
  @Required private ScalingPolicyType type;

  /** Pods, or percent of the current pods. */
  @Required
  @Min(1)
  private Integer value;

  /** The period the change is counted over, 1 to 1800 seconds. */
  @Required
  @Min(1)
  @Max(1800)
  private Integer periodSeconds;

  public ScalingPolicy() {}

  public ScalingPolicy(ScalingPolicyType type, int value, int periodSeconds) {
    this.type = type;
    this.value = value;
    this.periodSeconds = periodSeconds;
  }

  public ScalingPolicyType getType() {
    return type;
  }

  public void setType(ScalingPolicyType type) {
    this.type = type;
  }

  public Integer getValue() {
    return value;
  }

  public void setValue(Integer value) {
    this.value = value;
  }

  public Integer getPeriodSeconds() {
    return periodSeconds;
  }

  public void setPeriodSeconds(Integer periodSeconds) {
    this.periodSeconds = periodSeconds;
  }
}
