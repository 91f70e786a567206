package io.modelship.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.util.List;

/**
 * The retraining Job's container. Everything is optional: by default the serving pods' image runs
 * its own {@code retrain} command with the serving pods' resources and security context. A Smile
 * package needs nothing here; an ONNX package is retrained only by a user's own image and command,
 * which reads and writes the files and environment described in the operator README ("Retraining
 * with your own image").
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RetrainingJobSpec {

  /** The image; default the serving-runtime image of spec.runtime.image. */
  private String image;

  /** The entrypoint; default the image's own (the serving runtime's launcher). */
  private List<String> command;

  /** The arguments; default ["retrain"] for the serving-runtime image. */
  private List<String> args;

  /** Extra environment variables, after the ones the operator sets (which they may not replace). */
  private List<EnvVar> env;

  /** Container resources; default the serving pods'. */
  private ResourceRequirements resources;

  /** A run that takes longer is stopped and recorded as TimedOut; default 3600. */
  @Min(60)
  @Max(604800)
  private Long activeDeadlineSeconds;

  /** Retries of a failed Job pod before the run is Failed; default 0. */
  @Min(0)
  @Max(5)
  private Integer backoffLimit;

  public String getImage() {
    return image;
  }

  public void setImage(String image) {
    this.image = image;
  }

  public List<String> getCommand() {
    return command;
  }

  public void setCommand(List<String> command) {
    this.command = command;
  }

  public List<String> getArgs() {
    return args;
  }

  public void setArgs(List<String> args) {
    this.args = args;
  }

  public List<EnvVar> getEnv() {
    return env;
  }

  public void setEnv(List<EnvVar> env) {
    this.env = env;
  }

  public ResourceRequirements getResources() {
    return resources;
  }

  public void setResources(ResourceRequirements resources) {
    this.resources = resources;
  }

  public Long getActiveDeadlineSeconds() {
    return activeDeadlineSeconds;
  }

  public void setActiveDeadlineSeconds(Long activeDeadlineSeconds) {
    this.activeDeadlineSeconds = activeDeadlineSeconds;
  }

  public Integer getBackoffLimit() {
    return backoffLimit;
  }

  public void setBackoffLimit(Integer backoffLimit) {
    this.backoffLimit = backoffLimit;
  }
}
