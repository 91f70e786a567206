package io.modelship.api.v1alpha1.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** Judgements of the new version so far in this rollout. */
@JsonInclude(JsonInclude.Include.NON_NULL)
// counters: the cumulative counts earlier operators kept here; still present in statuses they
// wrote.
@com.fasterxml.jackson.annotation.JsonIgnoreProperties({"counters"})
public class AnalysisStatus {

  /** Judgements that passed. */
  private Integer passed;

  /** Judgements that failed. */
  private Integer failed;

  /** Judgements with too little traffic to decide. */
  private Integer inconclusive;

  /** Verdict of the latest judgement. */
  private Verdict lastVerdict;

  /** What the latest judgement found: the failing values, or what it waits for. */
  private String message;

  /** When the latest judgement was made (RFC 3339). */
  private String lastJudgedAt;

  /** When the window now being measured began (RFC 3339). */
  private String windowStartedAt;

  /** Measurements of the latest judgements, oldest first (bounded). */
  private List<Measurement> measurements;

  public Integer getPassed() {
    return passed;
  }

  public void setPassed(Integer passed) {
    this.passed = passed;
  }

  public Integer getFailed() {
    return failed;
  }

  public void setFailed(Integer failed) {
    this.failed = failed;
  }

  public Integer getInconclusive() {
    return inconclusive;
  }

  public void setInconclusive(Integer inconclusive) {
    this.inconclusive = inconclusive;
  }

  public Verdict getLastVerdict() {
    return lastVerdict;
  }

  public void setLastVerdict(Verdict lastVerdict) {
    this.lastVerdict = lastVerdict;
  }

  public String getLastJudgedAt() {
    return lastJudgedAt;
  }

  public void setLastJudgedAt(String lastJudgedAt) {
    this.lastJudgedAt = lastJudgedAt;
  }

  public List<Measurement> getMeasurements() {
    return measurements;
  }

  public void setMeasurements(List<Measurement> measurements) {
    this.measurements = measurements;
  }

  public String getWindowStartedAt() {
    return windowStartedAt;
  }

  public void setWindowStartedAt(String windowStartedAt) {
    this.windowStartedAt = windowStartedAt;
  }

  public String getMessage() {
    return message;
  }

  public void setMessage(String message) {
    this.message = message;
  }
}
