package io.modelship.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Pattern;

/** The data of retraining runs; so far the sink of labelled rows. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RetrainingDataSpec {

  /**
   * Where each serving pod appends the rows it predicted that later received labelled feedback
   * (features, prediction, label, version, time), as CSV chunks under this prefix:
   * s3://BUCKET/PREFIX/ (with spec.model.storage) or file:///PATH/ (a path the pod can write, e.g.
   * a mounted claim).
   */
  @Pattern("^(s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/|file:///)[^\\s?#]*$")
  private String sink;

  public String getSink() {
    return sink;
  }

  public void setSink(String sink) {
    this.sink = sink;
  }
}
