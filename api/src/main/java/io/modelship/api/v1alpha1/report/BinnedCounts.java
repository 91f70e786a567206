package io.modelship.api.v1alpha1.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** A histogram of the drift window next to the reference fractions of the same bins. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BinnedCounts {

  /**
   * Inner cut points of numeric bins as in {@code io.modelship.drift.ReferenceBins}: n edges make
   * n+1 bins, the outer ones open-ended. Empty for categories, where bin i is category i.
   */
  private List<Double> edges;

  /** Category names for categorical values, one per bin. */
  private List<String> labels;

  /** Reference fraction per bin, from the model package. */
  private List<Double> reference;

  /** Observed count per bin. */
  private List<Long> counts;

  public List<Double> getEdges() {
    return edges;
  }

  public void setEdges(List<Double> edges) {
    this.edges = edges;
  }

  public List<String> getLabels() {
    return labels;
  }

  public void setLabels(List<String> labels) {
    this.labels = labels;
  }

  public List<Double> getReference() {
    return reference;
  }

  public void setReference(List<Double> reference) {
    this.reference = reference;
  }

  public List<Long> getCounts() {
    return counts;
  }

  public void setCounts(List<Long> counts) {
    this.counts = counts;
  }
}
