package io.modelship.api.v1alpha1.status;

import com.fasterxml.jackson.annotation.JsonInclude;

/** One metric of one judgement of the new version. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Measurement {

  /** What was measured. */
  private AnalysisMetric metric;

  /** Measured value; absent when there was too little to measure. */
  private Double value;

  /** The spec's limit it was held to. */
  private Double threshold;

  /** Pass, Fail or Inconclusive. */
  private Verdict verdict;

  /** Requests (or labelled predictions, or rows) it is based on. */
  private Long samples;

  /**
   * Length of the traffic window judged, e.g. 30s: the interval since the previous judgement, or
   * longer when the statistic widened its window back to reach its minimum samples.
   */
  private String window;

  /** Where that window started (RFC 3339); it ends at {@link #time}. */
  private String windowStart;

  /** When it was judged (RFC 3339). */
  private String time;

  public AnalysisMetric getMetric() {
    return metric;
  }

  public void setMetric(AnalysisMetric metric) {
    this.metric = metric;
  }

  public Double getValue() {
    return value;
  }

  public void setValue(Double value) {
    this.value = value;
  }

  public Double getThreshold() {
    return threshold;
  }

  public void setThreshold(Double threshold) {
    this.threshold = threshold;
  }

  public Verdict getVerdict() {
    return verdict;
  }

  public void setVerdict(Verdict verdict) {
    this.verdict = verdict;
  }

  public Long getSamples() {
    return samples;
  }

  public void setSamples(Long samples) {
    this.samples = samples;
  }

  public String getWindow() {
    return window;
  }

  public void setWindow(String window) {
    this.window = window;
  }

  public String getTime() {
    return time;
  }

  public void setTime(String time) {
    this.time = time;
  }

  public String getWindowStart() {
    return windowStart;
  }

  public void setWindowStart(String windowStart) {
    this.windowStart = windowStart;
  }
}
