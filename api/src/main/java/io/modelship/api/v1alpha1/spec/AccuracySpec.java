package io.modelship.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class AccuracySpec {

  /** Alert when the training accuracy minus the live accuracy exceeds this; default 0.05. */
  @Min(0)
  @Max(1)
  private Double maxDrop;

  /**
   * Below this many labelled predictions accuracy is InsufficientData; default 200 (measured: see
   * the serving runtime README).
   */
  @Min(1)
  private Integer minSamples;

  public Integer getMinSamples() {
    return minSamples;
  }

  public void setMinSamples(Integer minSamples) {
    this.minSamples = minSamples;
  }

  public Double getMaxDrop() {
    return maxDrop;
  }

  public void setMaxDrop(Double maxDrop) {
    this.maxDrop = maxDrop;
  }
}
