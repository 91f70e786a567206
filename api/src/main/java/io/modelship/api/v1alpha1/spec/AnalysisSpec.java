package io.modelship.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class AnalysisSpec {

  /** How often the new version is judged, e.g. 30s. */
  @Pattern("^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$")
  private String interval;

  /** Requests needed before a judgement counts. */
  @Min(0)
  private Long minRequests;

  /** Highest tolerated error rate, 0 to 1. */
  @Min(0)
  @Max(1)
  private Double maxErrorRate;

  /** Highest tolerated p99 latency in milliseconds. */
  @Min(0)
  private Double maxLatencyP99Ms;

  /** Highest tolerated drift score. */
  @Min(0)
  private Double maxDriftScore;

  /** Failed judgements that roll back (at least 1; default 1). */
  @Min(0)
  private Integer failureLimit;

  /** Wait this long after the new version gets traffic before the first judgement, e.g. 30s. */
  @Pattern("^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$")
  private String initialDelay;

  /** Highest tolerated PSI of the new version's predicted classes against the stable version's. */
  @Min(0)
  private Double maxPredictionShift;

  /** Highest tolerated error rate above the stable version's in the same interval. */
  @Min(0)
  @Max(1)
  private Double maxErrorRateIncrease;

  /** Highest tolerated ratio of the new version's p99 latency to the stable version's. */
  @Min(0)
  private Double maxLatencyP99Ratio;

  /** Highest tolerated drop of accuracy on labelled feedback against the stable version. */
  @Min(0)
  @Max(1)
  private Double maxAccuracyDrop;

  public String getInterval() {
    return interval;
  }

  public void setInterval(String interval) {
    this.interval = interval;
  }

  public Long getMinRequests() {
    return minRequests;
  }

  public void setMinRequests(Long minRequests) {
    this.minRequests = minRequests;
  }

  public Double getMaxErrorRate() {
    return maxErrorRate;
  }

  public void setMaxErrorRate(Double maxErrorRate) {
    this.maxErrorRate = maxErrorRate;
  }

  public Double getMaxLatencyP99Ms() {
    return maxLatencyP99Ms;
  }

  public void setMaxLatencyP99Ms(Double maxLatencyP99Ms) {
    this.maxLatencyP99Ms = maxLatencyP99Ms;
  }

  public Double getMaxDriftScore() {
    return maxDriftScore;
  }

  public void setMaxDriftScore(Double maxDriftScore) {
    this.maxDriftScore = maxDriftScore;
  }

  public Integer getFailureLimit() {
    return failureLimit;
  }

  public void setFailureLimit(Integer failureLimit) {
    this.failureLimit = failureLimit;
  }

  public String getInitialDelay() {
    return initialDelay;
  }

  public void setInitialDelay(String initialDelay) {
    this.initialDelay = initialDelay;
  }

  public Double getMaxPredictionShift() {
    return maxPredictionShift;
  }

  public void setMaxPredictionShift(Double maxPredictionShift) {
    this.maxPredictionShift = maxPredictionShift;
  }

  public Double getMaxErrorRateIncrease() {
    return maxErrorRateIncrease;
  }

  public void setMaxErrorRateIncrease(Double maxErrorRateIncrease) {
    this.maxErrorRateIncrease = maxErrorRateIncrease;
  }

  public Double getMaxLatencyP99Ratio() {
    return maxLatencyP99Ratio;
  }

  public void setMaxLatencyP99Ratio(Double maxLatencyP99Ratio) {
    this.maxLatencyP99Ratio = maxLatencyP99Ratio;
  }

  public Double getMaxAccuracyDrop() {
    return maxAccuracyDrop;
  }

  public void setMaxAccuracyDrop(Double maxAccuracyDrop) {
    this.maxAccuracyDrop = maxAccuracyDrop;
  }
}
