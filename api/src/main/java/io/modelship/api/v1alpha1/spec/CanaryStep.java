package io.modelship.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;

@ValidationRule(
    value =
        "(has(self.setWeight) ? 1 : 0) + (has(self.pause) ? 1 : 0) + (has(self.setMirror) ? 1 : 0) + (has(self.setHeaderRoute) ? 1 : 0) == 1",
    message = "a step has exactly one of setWeight, pause, setMirror, setHeaderRoute")
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CanaryStep {

  /** Percentage of traffic for the new version. */
  @Min(0)
  @Max(100)
  private Integer setWeight;

  /** Wait here; without a duration until promoted by hand. */
  private PauseStep pause;

  /** Gateway API only: mirror a share of requests to the new version. */
  private MirrorStep setMirror;

  /** Gateway API only: requests with this header go to the new version. */
  private HeaderRouteStep setHeaderRoute;

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

  public MirrorStep getSetMirror() {
    return setMirror;
  }

  public void setSetMirror(MirrorStep setMirror) {
    this.setMirror = setMirror;
  }

  public HeaderRouteStep getSetHeaderRoute() {
    return setHeaderRoute;
  }

  public void setSetHeaderRoute(HeaderRouteStep setHeaderRoute) {
    this.setHeaderRoute = setHeaderRoute;
  }
}
