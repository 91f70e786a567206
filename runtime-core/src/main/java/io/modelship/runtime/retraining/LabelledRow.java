package io.modelship.runtime.retraining;

import java.time.Instant;

/**
 * One row a serving pod kept in the sink: its features in the package's feature order, the label
 * its feedback gave (a class, or a number for a regression) and when the feedback came.
 */
public record LabelledRow(double[] features, String label, Instant time) {}
