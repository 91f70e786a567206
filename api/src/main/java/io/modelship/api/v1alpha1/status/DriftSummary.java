package io.modelship.api.v1alpha1.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class DriftSummary {

  /** Scoring method used. */
  private String method;

  /** Highest score over features and predictions. */
  private Double score;

  /** Normal, Warning or Alert. */
  private DriftLevel status;

  /** Score per feature. */
  private Map<String, Double> features;

  /** Score of the prediction distribution. */
  private Double prediction;

  /** Observations scored, summed over pods. */
  private Long samples;

  /** Samples needed before the status is a verdict; below it the status is InsufficientData. */
  private Integer minSamples;

  public String getMethod() {
    return method;
  }

  public void setMethod(String method) {
    this.method = method;
  }

  public Double getScore() {
    return score;
  }

  public void setScore(Double score) {
    this.score = score;
  }

  public DriftLevel getStatus() {
    return status;
  }

  public void setStatus(DriftLevel status) {
    this.status = status;
  }

  public Map<String, Double> getFeatures() {
    return features;
  }

  public void setFeatures(Map<String, Double> features) {
    this.features = features;
  }

  public Double getPrediction() {
    return prediction;
  }

  public void setPrediction(Double prediction) {
    this.prediction = prediction;
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
}
