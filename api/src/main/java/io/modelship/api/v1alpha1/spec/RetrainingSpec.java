package io.modelship.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;
import io.modelship.api.retraining.RetrainingDurations;

/**
 * Closing the loop (product section 3, "Retraining"): what starts a retraining run, what it trains
 * on, where its candidate goes and how it is judged. The operator runs one Job at a time and never
 * adopts a candidate itself: it records it in status.retraining for a person or a pipeline to
 * adopt.
 */
@ValidationRule(
    value = "!has(self.triggers) || has(self.output)",
    message = "output is required when triggers are set: it is where the candidate package goes")
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RetrainingSpec {

  /** What starts a run besides the manual annotation modelship.io/retrain. */
  private RetrainingTriggers triggers;

  /** No run starts sooner than this after the last one started, e.g. 6h; default 6h. */
  @Pattern(RetrainingDurations.PATTERN)
  private String cooldown;

  /** What a retraining run trains on, and where the pods keep labelled rows. */
  private RetrainingDataSpec data;

  /**
   * URI prefix the candidate package is written under: s3://BUCKET/PREFIX/ (with
   * spec.model.storage) or file:///PATH/ (a path the Job can write, e.g. a mounted claim).
   */
  @Pattern("^(s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/|file:///)[^\\s?#]*$")
  private String output;

  /**
   * A candidate is Better only when its metric beats the serving version's on the same held-out
   * recent rows by at least this much (accuracy points, or error units for regression); default
   * 0.01.
   */
  @Min(0)
  @Max(1)
  private Double minImprovement;

  /** The Job that retrains; default: the serving-runtime image running its retrain command. */
  private RetrainingJobSpec job;

  public RetrainingTriggers getTriggers() {
    return triggers;
  }

  public void setTriggers(RetrainingTriggers triggers) {
    this.triggers = triggers;
  }

  public String getCooldown() {
    return cooldown;
  }

  public void setCooldown(String cooldown) {
    this.cooldown = cooldown;
  }

  public RetrainingDataSpec getData() {
    return data;
  }

  public void setData(RetrainingDataSpec data) {
    this.data = data;
  }

  public String getOutput() {
    return output;
  }

  public void setOutput(String output) {
    this.output = output;
  }

  public Double getMinImprovement() {
    return minImprovement;
  }

  public void setMinImprovement(Double minImprovement) {
    this.minImprovement = minImprovement;
  }

  public RetrainingJobSpec getJob() {
    return job;
  }

  public void setJob(RetrainingJobSpec job) {
    this.job = job;
  }
}
