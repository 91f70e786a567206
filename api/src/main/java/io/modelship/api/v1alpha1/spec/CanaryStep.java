package io.modelship.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;

@ValidationRule(value = "has(self.setWeight) != has(self.pause)", message = "a step sets either setWeight or pause")
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CanaryStep {

  /** Percentage of traffic for the new version. */
  @Min(0)
  @Max(100)
  private Integer setWeight;

  /** Wait here; without a duration until promoted by hand. */
  private PauseStep pause;

  public Integer getSetWeight() {
    return setWeight;
  }

  public void setSetWeight(Integer setWeight) {
    this.setWeight = setWeight;
  }

  public PauseStep getPause() {
    return pause;
  }

  public void setPause(PauseStep pause) {
    this.pause = pause;
  }
}
