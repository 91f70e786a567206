package io.modelship.api.v1alpha1.status;

import com.fasterxml.jackson.annotation.JsonInclude;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class AccuracySummary {

  /** Accuracy at training time (A0). */
  private Double baseline;

  /** Live accuracy over the labelled window (At). */
  private Double current;

  /** A0 minus At. */
  private Double drop;

  /** Labelled predictions the live accuracy is based on. */
  private Long samples;

  /** Samples needed before the status is a verdict; below it the status is InsufficientData. */
  private Integer minSamples;

  /** Normal, or Alert when the drop exceeds maxDrop. */
  private DriftLevel status;

  public Double getBaseline() {
    return baseline;
  }

  public void setBaseline(Double baseline) {
    this.baseline = baseline;
  }

  public Double getCurrent() {
    return current;
  }

  public void setCurrent(Double current) {
    this.current = current;
  }

  public Double getDrop() {
    return drop;
  }

  public void setDrop(Double drop) {
    this.drop = drop;
  }

  public Integer getMinSamples() {
    return minSamples;
  }

  public void setMinSamples(Integer minSamples) {
    this.minSamples = minSamples;
  }

  public Long getSamples() {
    return samples;
  }

  public void setSamples(Long samples) {
    this.samples = samples;
  }

  public DriftLevel getStatus() {
    return status;
  }

  public void setStatus(DriftLevel status) {
    this.status = status;
  }
}
