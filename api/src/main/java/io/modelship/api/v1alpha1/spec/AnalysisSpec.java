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

  /** Failed judgements tolerated before rolling back. */
  @Min(0)
  private Integer failureLimit;

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
}
