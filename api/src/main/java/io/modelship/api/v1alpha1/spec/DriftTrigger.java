package io.modelship.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.modelship.api.retraining.RetrainingDurations;

/** Drift that starts a retraining run: at Alert on this many features for this long. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DriftTrigger {

  /** How many features must be at Alert at once; default 1. */
  @Min(1)
  private Integer features;

  /** How long they must stay at Alert, e.g. 30m; default 0s (at once). */
  @JsonProperty("for")
  @Pattern(RetrainingDurations.PATTERN)
  private String forDuration;

  public Integer getFeatures() {
    return features;
  }

  public void setFeatures(Integer features) {
    this.features = features;
  }

  @JsonProperty("for")
  public String getForDuration() {
    return forDuration;
  }

  @JsonProperty("for")
  public void setForDuration(String forDuration) {
    this.forDuration = forDuration;
  }
}
