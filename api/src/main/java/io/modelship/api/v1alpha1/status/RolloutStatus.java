package io.modelship.api.v1alpha1.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.modelship.api.v1alpha1.spec.RolloutStrategy;

/** Everything a restarted operator needs to resume a rollout where it was. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RolloutStatus {

  /** Strategy of this rollout. */
  private RolloutStrategy strategy;

  /** The new version this record is about. */
  private String version;

  /** The stable version when this rollout started. */
  private String fromVersion;

  /** When this rollout started (RFC 3339). */
  private String startedAt;

  /** Canary: index of the step in progress; the number of steps once all are done. */
  private Integer stepIndex;

  /** Hash of the canary steps; a different hash restarts the rollout from step 0. */
  private String stepsHash;

  /** When the current step started (RFC 3339). */
  private String stepStartedAt;

  /** Canary: when the current pause step started (RFC 3339); absent unless paused. */
  private String pauseStartedAt;

  /**
   * Percentage of traffic the new version should get now; blue-green: 100 from the promotion
   * decision on (what the status's canaryWeight shows), 0 before.
   */
  private Integer desiredWeight;

  /** Share of the new version now: ready-pod ratio or route weight. */
  private Integer actualWeight;

  /** Share of requests mirrored to the new version; absent when none. */
  private Integer mirrorPercent;

  /** Header route to the new version in force; absent when none. */
  private HeaderRoute headerRoute;

  /** Blue-green: the version behind the main Service. */
  private String activeVersion;

  /** Blue-green: the version behind the preview Service. */
  private String previewVersion;

  /**
   * Blue-green: when the preview first had all its pods ready (RFC 3339); the auto-promotion delay
   * counts from here.
   */
  private String previewReadyAt;

  /**
   * Blue-green: when promotion was decided, by hand or automatically (RFC 3339); from here the new
   * version grows to full size, and the Service switches once it is ready.
   */
  private String promotionDecidedAt;

  /** Blue-green: when the main Service switched to the new version (RFC 3339). */
  private String switchedAt;

  /** Manual-control tokens already acted on. */
  private HandledTokens handledTokens;

  /** How the rollout ended; absent while it runs. */
  private RolloutOutcome outcome;

  /** Why the rollout was rolled back or aborted. */
  private String abortReason;

  /** Judgements of the new version. */
  private AnalysisStatus analysis;

  public RolloutStrategy getStrategy() {
    return strategy;
  }

  public void setStrategy(RolloutStrategy strategy) {
    this.strategy = strategy;
  }

  public String getVersion() {
    return version;
  }

  public void setVersion(String version) {
    this.version = version;
  }

  public String getFromVersion() {
    return fromVersion;
  }

  public void setFromVersion(String fromVersion) {
    this.fromVersion = fromVersion;
  }

  public String getStartedAt() {
    return startedAt;
  }

  public void setStartedAt(String startedAt) {
    this.startedAt = startedAt;
  }

  public Integer getStepIndex() {
    return stepIndex;
  }

  public void setStepIndex(Integer stepIndex) {
    this.stepIndex = stepIndex;
  }

  public String getStepsHash() {
    return stepsHash;
  }

  public void setStepsHash(String stepsHash) {
    this.stepsHash = stepsHash;
  }

  public String getStepStartedAt() {
    return stepStartedAt;
  }

  public void setStepStartedAt(String stepStartedAt) {
    this.stepStartedAt = stepStartedAt;
  }

  public String getPauseStartedAt() {
    return pauseStartedAt;
  }

  public void setPauseStartedAt(String pauseStartedAt) {
    this.pauseStartedAt = pauseStartedAt;
  }

  public Integer getDesiredWeight() {
    return desiredWeight;
  }

  public void setDesiredWeight(Integer desiredWeight) {
    this.desiredWeight = desiredWeight;
  }

  public Integer getActualWeight() {
    return actualWeight;
  }

  public void setActualWeight(Integer actualWeight) {
    this.actualWeight = actualWeight;
  }

  public Integer getMirrorPercent() {
    return mirrorPercent;
  }

  public void setMirrorPercent(Integer mirrorPercent) {
    this.mirrorPercent = mirrorPercent;
  }

  public HeaderRoute getHeaderRoute() {
    return headerRoute;
  }

  public void setHeaderRoute(HeaderRoute headerRoute) {
    this.headerRoute = headerRoute;
  }

  public String getActiveVersion() {
    return activeVersion;
  }

  public void setActiveVersion(String activeVersion) {
    this.activeVersion = activeVersion;
  }

  public String getPreviewVersion() {
    return previewVersion;
  }

  public void setPreviewVersion(String previewVersion) {
    this.previewVersion = previewVersion;
  }

  public String getPreviewReadyAt() {
    return previewReadyAt;
  }

  public void setPreviewReadyAt(String previewReadyAt) {
    this.previewReadyAt = previewReadyAt;
  }

  public String getPromotionDecidedAt() {
    return promotionDecidedAt;
  }

  public void setPromotionDecidedAt(String promotionDecidedAt) {
    this.promotionDecidedAt = promotionDecidedAt;
  }

  public String getSwitchedAt() {
    return switchedAt;
  }

  public void setSwitchedAt(String switchedAt) {
    this.switchedAt = switchedAt;
  }

  public HandledTokens getHandledTokens() {
    return handledTokens;
  }

  public void setHandledTokens(HandledTokens handledTokens) {
    this.handledTokens = handledTokens;
  }

  public RolloutOutcome getOutcome() {
    return outcome;
  }

  public void setOutcome(RolloutOutcome outcome) {
    this.outcome = outcome;
  }

  public String getAbortReason() {
    return abortReason;
  }

  public void setAbortReason(String abortReason) {
    this.abortReason = abortReason;
  }

  public AnalysisStatus getAnalysis() {
    return analysis;
  }

  public void setAnalysis(AnalysisStatus analysis) {
    this.analysis = analysis;
  }
}
