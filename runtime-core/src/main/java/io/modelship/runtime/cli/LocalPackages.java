package io.modelship.runtime.cli;

import io.modelship.runtime.model.ModelPackage;
import java.nio.file.Path;

/** Package loading options for the offline commands (inspect, score), which run outside a pod. */
final class LocalPackages {

  private LocalPackages() {}

  static ModelPackage.LoadOptions options() {
    return ModelPackage.LoadOptions.of(
        Path.of("/mnt/models"),
        Path.of(System.getProperty("java.io.tmpdir"), "modelship"),
        2L << 30);
  }
}
