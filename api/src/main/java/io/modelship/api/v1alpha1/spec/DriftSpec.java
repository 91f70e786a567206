package io.modelship.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;

@ValidationRule(
    value = "!has(self.warning) || !has(self.threshold) || self.warning <= self.threshold",
    message = "warning must not exceed threshold")
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DriftSpec {

  /** psi (default) or ks. */
  private DriftMethod method;

  /** Score at which drift becomes a Warning; default 0.1. */
  @Min(0)
  private Double warning;

  /** Score at which drift becomes an Alert; default 0.25. */
  @Min(0)
  private Double threshold;

  /** Recent predictions compared with the reference; default 1000. */
  @Min(10)
  @Max(1000000)
  private Integer windowSize;

  /**
   * Below this many samples drift is InsufficientData (no verdict, no alarm); default 300
   * (measured: see the serving runtime README), or the window size when smaller.
   */
  @Min(1)
  private Integer minSamples;

  public DriftMethod getMethod() {
    return method;
  }

  public void setMethod(DriftMethod method) {
    this.method = method;
  }

  public Double getWarning() {
    return warning;
  }

  public void setWarning(Double warning) {
    this.warning = warning;
  }

  public Double getThreshold() {
    return threshold;
  }

  public void setThreshold(Double threshold) {
    this.threshold = threshold;
  }

  public Integer getWindowSize() {
    return windowSize;
  }

  public void setWindowSize(Integer windowSize) {
    this.windowSize = windowSize;
  }

  public Integer getMinSamples() {
    return minSamples;
  }

  public void setMinSamples(Integer minSamples) {
    this.minSamples = minSamples;
  }
}
