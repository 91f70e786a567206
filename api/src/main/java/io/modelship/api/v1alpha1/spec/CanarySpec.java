package io.modelship.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Size;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class CanarySpec {

  /**
   * Steps walked in order: set a weight or pause. Bounded so the CEL cost of each step's rule is.
   */
  @Size(max = 32)
  private List<CanaryStep> steps;

  /** Absent: weights follow the replica ratio on the shared Service. */
  private TrafficRouting trafficRouting;

  public List<CanaryStep> getSteps() {
    return steps;
  }

  public void setSteps(List<CanaryStep> steps) {
    this.steps = steps;
  }

  public TrafficRouting getTrafficRouting() {
    return trafficRouting;
  }

  public void setTrafficRouting(TrafficRouting trafficRouting) {
    this.trafficRouting = trafficRouting;
  }
}
