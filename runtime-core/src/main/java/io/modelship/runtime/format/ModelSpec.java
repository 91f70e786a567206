package io.modelship.runtime.format;

import java.util.List;
import java.util.Map;

/**
 * What the package says a model is: its features in input order, its task and, for a classifier,
 * its labels in probability order. A format refuses an artifact that disagrees. {@code checks}:
 * what {@code package} recorded having verified about the artifact ({@link LoadedModel#checks()}),
 * for the format to rely on where the record matches, or to ignore.
 */
public record ModelSpec(
    List<String> featureNames,
    Task task,
    List<String> labels,
    String target,
    Map<String, String> checks) {

  public ModelSpec {
    featureNames = List.copyOf(featureNames);
    labels = labels == null ? List.of() : List.copyOf(labels);
    checks = checks == null ? Map.of() : Map.copyOf(checks);
  }

  /** A spec with nothing recorded about the artifact. */
  public ModelSpec(List<String> featureNames, Task task, List<String> labels, String target) {
    this(featureNames, task, labels, target, Map.of());
  }

  public int featureCount() {
    return featureNames.size();
  }
}
