package io.modelship.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;

/** What the user asks for; the operator only ever reads it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ModelDeploymentSpec {

  /** The model version to serve and where its package lives. */
  @Required private ModelSpec model;

  /** Serving runtime overrides; unset fields fall back to the operator's defaults. */
  private RuntimeSpec runtime;

  /** Pods per version when autoscaling is absent. */
  @Min(0)
  private Integer replicas;

  /** Horizontal autoscaling; when set, replicas is ignored. */
  private AutoscalingSpec autoscaling;

  /** How a version change is rolled out. */
  private RolloutSpec rollout;

  /** Drift, accuracy and report settings handed to the runtime. */
  private MonitoringSpec monitoring;

  /** Closing the loop: so far where the pods keep the rows that received labelled feedback. */
  private RetrainingSpec retraining;

  public RetrainingSpec getRetraining() {
    return retraining;
  }

  public void setRetraining(RetrainingSpec retraining) {
    this.retraining = retraining;
  }

  public ModelSpec getModel() {
    return model;
  }

  public void setModel(ModelSpec model) {
    this.model = model;
  }

  public RuntimeSpec getRuntime() {
    return runtime;
  }

  public void setRuntime(RuntimeSpec runtime) {
    this.runtime = runtime;
  }

  public Integer getReplicas() {
    return replicas;
  }

  public void setReplicas(Integer replicas) {
    this.replicas = replicas;
  }

  public AutoscalingSpec getAutoscaling() {
    return autoscaling;
  }

  public void setAutoscaling(AutoscalingSpec autoscaling) {
    this.autoscaling = autoscaling;
  }

  public RolloutSpec getRollout() {
    return rollout;
  }

  public void setRollout(RolloutSpec rollout) {
    this.rollout = rollout;
  }

  public MonitoringSpec getMonitoring() {
    return monitoring;
  }

  public void setMonitoring(MonitoringSpec monitoring) {
    this.monitoring = monitoring;
  }
}
