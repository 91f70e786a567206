package io.modelship.runtime.format;

import java.util.List;

/**
 * What the package says a model is: its features in input order, its task and, for a classifier,
 * its labels in probability order. A format refuses an artifact that disagrees.
 */
public record ModelSpec(List<String> featureNames, Task task, List<String> labels, String target) {

    public ModelSpec {
        featureNames = List.copyOf(featureNames);
        labels = labels == null ? List.of() : List.copyOf(labels);
    }

    public int featureCount() {
        return featureNames.size();
    }
}
