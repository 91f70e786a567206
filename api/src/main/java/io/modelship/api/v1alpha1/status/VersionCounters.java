package io.modelship.api.v1alpha1.status;

import com.fasterxml.jackson.annotation.JsonInclude;

/** A version's cumulative report counters at the last judgement, so the next one judges only the traffic in between. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class VersionCounters {

  /** Requests summed over the version's pods. */
  private Long requests;

  /** Errors summed over the version's pods. */
  private Long errors;

  /** Labelled predictions summed over the version's pods. */
  private Long labelled;

  /** Correct labelled predictions summed over the version's pods. */
  private Long correct;

  public Long getRequests() {
    return requests;
  }

  public void setRequests(Long requests) {
    this.requests = requests;
  }

  public Long getErrors() {
    return errors;
  }

  public void setErrors(Long errors) {
    this.errors = errors;
  }

  public Long getLabelled() {
    return labelled;
  }

  public void setLabelled(Long labelled) {
    this.labelled = labelled;
  }

  public Long getCorrect() {
    return correct;
  }

  public void setCorrect(Long correct) {
    this.correct = correct;
  }
}
