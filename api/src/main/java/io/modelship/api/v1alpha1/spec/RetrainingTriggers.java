package io.modelship.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;

/** What starts a retraining run; any one of them does. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RetrainingTriggers {

  /** Drift at Alert on enough features for long enough. */
  private DriftTrigger drift;

  /**
   * The seeds' rule: |A0 − At| &gt; this, A0 the package's baseline accuracy and At the live
   * accuracy on labelled feedback (for regression: the error's rise over the package's baseline, in
   * the error's units).
   */
  @Min(0)
  @Max(1)
  private Double accuracyDrop;

  /** A cron schedule in the Job's time zone (UTC), five fields, e.g. "0 3 * * 0". */
  @Pattern("^\\S+ \\S+ \\S+ \\S+ \\S+$")
  private String schedule;

  public DriftTrigger getDrift() {
    return drift;
  }

  public void setDrift(DriftTrigger drift) {
    this.drift = drift;
  }

  public Double getAccuracyDrop() {
    return accuracyDrop;
  }

  public void setAccuracyDrop(Double accuracyDrop) {
    this.accuracyDrop = accuracyDrop;
  }

  public String getSchedule() {
    return schedule;
  }

  public void setSchedule(String schedule) {
    this.schedule = schedule;
  }
}
