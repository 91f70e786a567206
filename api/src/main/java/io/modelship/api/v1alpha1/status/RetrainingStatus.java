package io.modelship.api.v1alpha1.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** Retraining runs and their candidates, newest first, bounded (product section 2). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RetrainingStatus {

  /** The last runs, newest first (at most 10). */
  private List<RetrainingRun> runs;

  /** The candidates the runs produced, newest first (at most 5). */
  private List<RetrainingCandidate> candidates;

  /**
   * Since when drift has been at Alert on enough features for the drift trigger (RFC 3339); absent
   * when it is not.
   */
  private String driftAlertSince;

  /** The last schedule time a run was started for (RFC 3339). */
  private String lastScheduleTime;

  /** The last modelship.io/retrain token acted on. */
  private String handledRetrainToken;

  public List<RetrainingRun> getRuns() {
    return runs;
  }

  public void setRuns(List<RetrainingRun> runs) {
    this.runs = runs;
  }

  public List<RetrainingCandidate> getCandidates() {
    return candidates;
  }

  public void setCandidates(List<RetrainingCandidate> candidates) {
    this.candidates = candidates;
  }

  public String getDriftAlertSince() {
    return driftAlertSince;
  }

  public void setDriftAlertSince(String driftAlertSince) {
    this.driftAlertSince = driftAlertSince;
  }

  public String getLastScheduleTime() {
    return lastScheduleTime;
  }

  public void setLastScheduleTime(String lastScheduleTime) {
    this.lastScheduleTime = lastScheduleTime;
  }

  public String getHandledRetrainToken() {
    return handledRetrainToken;
  }

  public void setHandledRetrainToken(String handledRetrainToken) {
    this.handledRetrainToken = handledRetrainToken;
  }
}
