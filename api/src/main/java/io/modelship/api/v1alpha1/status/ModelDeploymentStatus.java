package io.modelship.api.v1alpha1.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;

/** Observed state, written only by the operator; pods report in their own RuntimeReport objects. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ModelDeploymentStatus {

  /** The spec generation this status describes. */
  private Long observedGeneration;

  /** Pending, Progressing, Paused, Healthy, Degraded or Failed. */
  private Phase phase;

  /** Ready, Progressing, ModelLoaded and Drifted. */
  private List<Condition> conditions;

  /** The version that serves all traffic once a rollout is done. */
  private String stableVersion;

  /** The version being rolled out, while a canary runs. */
  private String canaryVersion;

  /** Traffic percentage on the canary version. */
  private Integer canaryWeight;

  /** Index of the canary step in progress. */
  private Integer currentStep;

  /** Pods of all versions. */
  private Integer replicas;

  /** Ready pods of all versions. */
  private Integer readyReplicas;

  /** In-cluster address of the stable Service. */
  private String url;

  /** The model's name in force: spec.model.name, or metadata.name when that is left out. */
  private String modelName;

  /**
   * The rollout strategy in force: spec.rollout.strategy, or RollingUpdate when that is left out.
   */
  private io.modelship.api.v1alpha1.spec.RolloutStrategy strategy;

  /**
   * Share of traffic (percent) on spec.model.version: 100 once it is stable, the canary weight
   * during a rollout, 0 before it serves or after a rollback.
   */
  private Integer trafficWeight;

  /** Drift over all pods' traffic of the stable version. */
  private DriftSummary drift;

  /** Accuracy over all pods' labelled feedback of the stable version. */
  private AccuracySummary accuracy;

  /** A regressor's error (MAE, RMSE) over all pods' feedback of the stable version. */
  private ErrorSummary regressionError;

  /** Last versions and how their rollouts ended. */
  private List<RolloutRecord> history;

  /** Progress of the current or last rollout; what a restarted operator resumes from. */
  private RolloutStatus rollout;

  /** Retraining runs and candidates, with spec.retraining (product section 2). */
  private RetrainingStatus retraining;

  public RetrainingStatus getRetraining() {
    return retraining;
  }

  public void setRetraining(RetrainingStatus retraining) {
    this.retraining = retraining;
  }

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public Phase getPhase() {
    return phase;
  }

  public void setPhase(Phase phase) {
    this.phase = phase;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }

  public String getStableVersion() {
    return stableVersion;
  }

  public void setStableVersion(String stableVersion) {
    this.stableVersion = stableVersion;
  }

  public String getCanaryVersion() {
    return canaryVersion;
  }

  public void setCanaryVersion(String canaryVersion) {
    this.canaryVersion = canaryVersion;
  }

  public Integer getCanaryWeight() {
    return canaryWeight;
  }

  public void setCanaryWeight(Integer canaryWeight) {
    this.canaryWeight = canaryWeight;
  }

  public Integer getCurrentStep() {
    return currentStep;
  }

  public void setCurrentStep(Integer currentStep) {
    this.currentStep = currentStep;
  }

  public Integer getReplicas() {
    return replicas;
  }

  public void setReplicas(Integer replicas) {
    this.replicas = replicas;
  }

  public Integer getReadyReplicas() {
    return readyReplicas;
  }

  public void setReadyReplicas(Integer readyReplicas) {
    this.readyReplicas = readyReplicas;
  }

  public String getUrl() {
    return url;
  }

  public String getModelName() {
    return modelName;
  }

  public void setModelName(String modelName) {
    this.modelName = modelName;
  }

  public io.modelship.api.v1alpha1.spec.RolloutStrategy getStrategy() {
    return strategy;
  }

  public void setStrategy(io.modelship.api.v1alpha1.spec.RolloutStrategy strategy) {
    this.strategy = strategy;
  }

  public Integer getTrafficWeight() {
    return trafficWeight;
  }

  public void setTrafficWeight(Integer trafficWeight) {
    this.trafficWeight = trafficWeight;
  }

  public void setUrl(String url) {
    this.url = url;
  }

  public DriftSummary getDrift() {
    return drift;
  }

  public void setDrift(DriftSummary drift) {
    this.drift = drift;
  }

  public AccuracySummary getAccuracy() {
    return accuracy;
  }

  public void setAccuracy(AccuracySummary accuracy) {
    this.accuracy = accuracy;
  }

  public ErrorSummary getRegressionError() {
    return regressionError;
  }

  public void setRegressionError(ErrorSummary regressionError) {
    this.regressionError = regressionError;
  }

  public List<RolloutRecord> getHistory() {
    return history;
  }

  public void setHistory(List<RolloutRecord> history) {
    this.history = history;
  }

  public RolloutStatus getRollout() {
    return rollout;
  }

  public void setRollout(RolloutStatus rollout) {
    this.rollout = rollout;
  }
}
