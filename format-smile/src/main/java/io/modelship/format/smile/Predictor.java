package io.modelship.format.smile;

/**
 * A loaded Smile classifier, one row at a time. Implementations are thread-safe and
 * allocation-light: the serving hot path calls {@link #predict} once per row.
 */
interface Predictor {

  /**
   * Classifies one row of features (in manifest order, already validated finite).
   *
   * @param probabilities filled with the class probabilities, one per label
   * @return the index of the predicted label
   */
  int predict(double[] features, double[] probabilities);
}
