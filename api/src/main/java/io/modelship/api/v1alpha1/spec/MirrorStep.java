package io.modelship.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;

/**
 * Gateway API only: a shadow copy of this share of requests goes to the new version; its answers
 * are discarded.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class MirrorStep {

  /** Share of requests mirrored, 1 to 100. */
  @Min(1)
  @Max(100)
  @Required
  private Integer percent;

  public Integer getPercent() {
    return percent;
  }

  public void setPercent(Integer percent) {
    this.percent = percent;
  }
}
