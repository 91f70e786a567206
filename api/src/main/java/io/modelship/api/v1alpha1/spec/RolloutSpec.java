package io.modelship.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;

@ValidationRule(
    value = "!has(self.strategy) || self.strategy != 'Canary' || has(self.canary)",
    message = "strategy Canary needs rollout.canary")
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RolloutSpec {

  /** Canary, BlueGreen or RollingUpdate (default). */
  private RolloutStrategy strategy;

  /** Canary steps and traffic routing. */
  private CanarySpec canary;

  /** Blue-green promotion timing. */
  private BlueGreenSpec blueGreen;

  /** Judgement of a new version from the runtime reports. */
  private AnalysisSpec analysis;

  /** No progress for this long fails the rollout like a failed analysis; default 600. */
  @Min(1)
  private Integer progressDeadlineSeconds;

  public RolloutStrategy getStrategy() {
    return strategy;
  }

  public void setStrategy(RolloutStrategy strategy) {
    this.strategy = strategy;
  }

  public CanarySpec getCanary() {
    return canary;
  }

  public void setCanary(CanarySpec canary) {
    this.canary = canary;
  }

  public BlueGreenSpec getBlueGreen() {
    return blueGreen;
  }

  public void setBlueGreen(BlueGreenSpec blueGreen) {
    this.blueGreen = blueGreen;
  }

  public AnalysisSpec getAnalysis() {
    return analysis;
  }

  public void setAnalysis(AnalysisSpec analysis) {
    this.analysis = analysis;
  }

  public Integer getProgressDeadlineSeconds() {
    return progressDeadlineSeconds;
  }

  public void setProgressDeadlineSeconds(Integer progressDeadlineSeconds) {
    this.progressDeadlineSeconds = progressDeadlineSeconds;
  }
}
