package io.modelship.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class MonitoringSpec {

  /** Data drift settings. */
  private DriftSpec drift;

  /** Accuracy settings. */
  private AccuracySpec accuracy;

  /** How often each pod reports onto the resource; operator default when absent. */
  @Min(1)
  @Max(3600)
  private Integer reportIntervalSeconds;

  public DriftSpec getDrift() {
    return drift;
  }

  public void setDrift(DriftSpec drift) {
    this.drift = drift;
  }

  public AccuracySpec getAccuracy() {
    return accuracy;
  }

  public void setAccuracy(AccuracySpec accuracy) {
    this.accuracy = accuracy;
  }

  public Integer getReportIntervalSeconds() {
    return reportIntervalSeconds;
  }

  public void setReportIntervalSeconds(Integer reportIntervalSeconds) {
    this.reportIntervalSeconds = reportIntervalSeconds;
  }
}
