package io.modelship.api.v1alpha1.status;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A regressor's error over all pods' feedback ({@code /feedback} with {@code value}) of the stable
 * version, against the error measured when the package was made. The alert rule is the accuracy
 * rule made relative, because errors have units: |MAE - baseline MAE| / baseline MAE &gt; maxDrop.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ErrorSummary {

  /** MAE measured when the package was made (E0). */
  private Double baselineMae;

  /** RMSE measured when the package was made. */
  private Double baselineRmse;

  /** Mean absolute error of the live predictions (Et). */
  private Double mae;

  /** Root mean squared error of the live predictions. */
  private Double rmse;

  /** (Et - E0) / E0, the relative change of the MAE. */
  private Double change;

  /** Feedbacks the error is based on. */
  private Long samples;

  /** Feedbacks needed before the status is a verdict; below it the status is InsufficientData. */
  private Integer minSamples;

  /** Normal, or Alert when the relative change exceeds maxDrop. */
  private DriftLevel status;

  public Double getBaselineMae() {
    return baselineMae;
  }

  public void setBaselineMae(Double baselineMae) {
    this.baselineMae = baselineMae;
  }

  public Double getBaselineRmse() {
    return baselineRmse;
  }

  public void setBaselineRmse(Double baselineRmse) {
    this.baselineRmse = baselineRmse;
  }

  public Double getMae() {
    return mae;
  }

  public void setMae(Double mae) {
    this.mae = mae;
  }

  public Double getRmse() {
    return rmse;
  }

  public void setRmse(Double rmse) {
    this.rmse = rmse;
  }

  public Double getChange() {
    return change;
  }

  public void setChange(Double change) {
    this.change = change;
  }

  public Long getSamples() {
    return samples;
  }

  public void setSamples(Long samples) {
    this.samples = samples;
  }

  public Integer getMinSamples() {
    return minSamples;
  }

  public void setMinSamples(Integer minSamples) {
    this.minSamples = minSamples;
  }

  public DriftLevel getStatus() {
    return status;
  }

  public void setStatus(DriftLevel status) {
    this.status = status;
  }
}
