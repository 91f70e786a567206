package io.modelship.runtime.format;

/**
 * A model ready to predict. Implementations are thread-safe: request threads call
 * {@link #predict} concurrently.
 */
public interface LoadedModel extends AutoCloseable {

    /** Inputs and outputs, for logs and {@code inspect}: e.g. {@code float[N,4] -> label string[N], probabilities float[N,3]}. */
    String describe();

    /**
     * Predicts a batch of rows (features in manifest order, already validated finite).
     * Classifiers fill {@link Predictions#classIndex()} and {@link Predictions#probabilities()};
     * regressors fill {@link Predictions#values()}.
     */
    Predictions predict(double[][] rows);

    /** Frees native resources; the default has none. */
    @Override
    default void close() {}
}
