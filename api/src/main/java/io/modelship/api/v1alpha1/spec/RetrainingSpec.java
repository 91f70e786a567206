package io.modelship.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Closing the loop (product section 3, "Retraining"). So far only {@link #data}'s sink: where the
 * pods keep the rows that received labelled feedback; triggers, the Job and its output follow.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RetrainingSpec {

  /** What a retraining run trains on. */
  private RetrainingDataSpec data;

  public RetrainingDataSpec getData() {
    return data;
  }

  public void setData(RetrainingDataSpec data) {
    this.data = data;
  }
}
