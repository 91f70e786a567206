package io.modelship.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Pattern;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class PauseStep {

  /** How long to wait, e.g. 30s, 2m, 1h; absent waits for a manual promote. */
  @Pattern("^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$")
  private String duration;

  public String getDuration() {
    return duration;
  }

  public void setDuration(String duration) {
    this.duration = duration;
  }
}
