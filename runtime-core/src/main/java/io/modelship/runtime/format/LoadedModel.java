package io.modelship.runtime.format;

import java.util.Map;

/**
 * A model ready to predict. Implementations are thread-safe: request threads call {@link #predict}
 * concurrently.
 */
public interface LoadedModel extends AutoCloseable {

  /**
   * Inputs and outputs, for logs and {@code inspect}: e.g. {@code float[N,4] -> label string[N],
   * probabilities float[N,3]}.
   */
  String describe();

  /**
   * Predicts a batch of rows (features in manifest order, already validated finite). Classifiers
   * fill {@link Predictions#classIndex()} and {@link Predictions#probabilities()}; regressors fill
   * {@link Predictions#values()}.
   */
  Predictions predict(double[][] rows);

  /**
   * What this load verified about the artifact that a later load of the same artifact by the same
   * code may rely on instead of doing again (ONNX: that the compiled trees agree with ONNX
   * Runtime). {@code package} records it in {@code model.json} ({@code artifact.checks}) and the
   * runtime hands it back in {@link ModelSpec#checks()}. A format binds each entry to the
   * artifact's bytes, to the spec and to its own code, and ignores an entry that does not match, so
   * a stale or edited record costs time, never correctness. Default: nothing.
   */
  default Map<String, String> checks() {
    return Map.of();
  }

  /** Frees native resources; the default has none. */
  @Override
  default void close() {}
}
