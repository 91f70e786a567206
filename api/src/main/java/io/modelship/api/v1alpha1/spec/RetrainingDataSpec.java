package io.modelship.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.modelship.api.retraining.RetrainingDurations;

/** The data of retraining runs: the original training data and the labelled rows the pods kept. */
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

  /**
   * The data the serving package was trained on, as CSV with the package's feature columns and
   * target: s3://BUCKET/KEY, file:///PATH or http(s)://; absent, a run trains on the sink's rows
   * only.
   */
  @Pattern("^(s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/|file:///|https?://)[^\\s#]*$")
  private String trainingData;

  /** Only sink rows from this recent window are used, e.g. 7d; default 7d. */
  @Pattern(RetrainingDurations.PATTERN)
  private String window;

  /** At most this many sink rows (the newest) are used; default 200000. */
  @Min(10)
  @Max(10000000)
  private Integer maxRows;

  public String getTrainingData() {
    return trainingData;
  }

  public void setTrainingData(String trainingData) {
    this.trainingData = trainingData;
  }

  public String getWindow() {
    return window;
  }

  public void setWindow(String window) {
    this.window = window;
  }

  public Integer getMaxRows() {
    return maxRows;
  }

  public void setMaxRows(Integer maxRows) {
    this.maxRows = maxRows;
  }

  public String getSink() {
    return sink;
  }

  public void setSink(String sink) {
    this.sink = sink;
  }
}
