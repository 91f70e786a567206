package io.modelship.runtime.model;

/**
 * A loaded classifier. Implementations are thread-safe and allocation-light: the serving hot path
 * calls {@link #predict} once per row.
 */
public interface Predictor {

    /**
     * Classifies one row of features (in manifest order, already validated finite).
     *
     * @param probabilities filled with the class probabilities, one per label
     * @return the index of the predicted label
     */
    int predict(double[] features, double[] probabilities);
}
