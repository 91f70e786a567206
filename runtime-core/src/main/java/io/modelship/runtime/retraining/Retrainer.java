package io.modelship.runtime.retraining;

import io.modelship.runtime.model.ModelManifest;
import io.modelship.runtime.training.LabeledTable;
import java.nio.file.Path;
import java.util.ServiceLoader;

/**
 * Trains a new model of a package's format with the serving package's algorithm and settings: a
 * format module offers one through {@link ServiceLoader} (Smile does), so a build without it cannot
 * retrain that format, and a format with none (ONNX) is retrained only by a user's own image.
 */
public interface Retrainer {

  /** The format it retrains, as in {@code model.json}. */
  String format();

  /**
   * Fits the serving package's algorithm with its hyper-parameters on {@code train}, measures it on
   * {@code heldOut} (the package's baseline metrics) and writes the package, with fresh reference
   * distributions and feature importance, to {@code out} (a {@code .tar.gz}).
   *
   * @param holdout how the held-out rows were chosen, for the manifest
   * @return the manifest as written
   */
  ModelManifest retrain(
      ModelManifest serving,
      LabeledTable train,
      LabeledTable heldOut,
      String holdout,
      String version,
      Path out);

  /** The retrainer of {@code format} on the class path, or null. */
  static Retrainer forFormat(String format) {
    for (Retrainer r : ServiceLoader.load(Retrainer.class)) {
      if (r.format().equals(format)) {
        return r;
      }
    }
    return null;
  }
}
