package io.modelship.api.v1alpha1.status;

import com.fasterxml.jackson.annotation.JsonInclude;

/** One retraining run: why it started, its Job, and how it ended. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RetrainingRun {

  /** The Job's name. */
  private String job;

  /** Drift, AccuracyDrop, Schedule or Manual. */
  private RetrainingTrigger trigger;

  /** The trigger with its measured values, e.g. drift at Alert on 3 features for 31m. */
  private String triggerMessage;

  /** The version serving when the run started, which the candidate was compared with. */
  private String servingVersion;

  /** When the Job was created (RFC 3339). */
  private String startedAt;

  /** When the Job ended (RFC 3339). */
  private String finishedAt;

  /** Running, Succeeded, Failed, TimedOut or NoNewData. */
  private RetrainingOutcome outcome;

  /** Why it ended that way, in one line. */
  private String reason;

  /** The version of the candidate it produced, if any. */
  private String candidateVersion;

  /** The time of the newest labelled row the run used (RFC 3339): the next run needs newer rows. */
  private String newestRow;

  public String getJob() {
    return job;
  }

  public void setJob(String job) {
    this.job = job;
  }

  public RetrainingTrigger getTrigger() {
    return trigger;
  }

  public void setTrigger(RetrainingTrigger trigger) {
    this.trigger = trigger;
  }

  public String getTriggerMessage() {
    return triggerMessage;
  }

  public void setTriggerMessage(String triggerMessage) {
    this.triggerMessage = triggerMessage;
  }

  public String getServingVersion() {
    return servingVersion;
  }

  public void setServingVersion(String servingVersion) {
    this.servingVersion = servingVersion;
  }

  public String getStartedAt() {
    return startedAt;
  }

  public void setStartedAt(String startedAt) {
    this.startedAt = startedAt;
  }

  public String getFinishedAt() {
    return finishedAt;
  }

  public void setFinishedAt(String finishedAt) {
    this.finishedAt = finishedAt;
  }

  public RetrainingOutcome getOutcome() {
    return outcome;
  }

  public void setOutcome(RetrainingOutcome outcome) {
    this.outcome = outcome;
  }

  public String getReason() {
    return reason;
  }

  public void setReason(String reason) {
    this.reason = reason;
  }

  public String getCandidateVersion() {
    return candidateVersion;
  }

  public void setCandidateVersion(String candidateVersion) {
    this.candidateVersion = candidateVersion;
  }

  public String getNewestRow() {
    return newestRow;
  }

  public void setNewestRow(String newestRow) {
    this.newestRow = newestRow;
  }
}
