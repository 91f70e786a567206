package io.modelship.runtime.format;

import java.nio.file.Path;

/**
 * A model artifact format (Smile, ONNX, …), found with {@link java.util.ServiceLoader}: a format
 * module lists its implementation in {@code
 * META-INF/services/io.modelship.runtime.format.ModelFormat}. The runtime core verifies the package
 * (manifest, sha256, archive rules) before it calls {@link #load}; a format only turns a verified
 * file into a model and refuses what it cannot serve.
 */
public interface ModelFormat {

  /** The {@code format} value in {@code model.json}, e.g. {@code onnx}. */
  String name();

  /** The artifact's file name inside a package this format writes, e.g. {@code model.onnx}. */
  String artifactFile();

  /**
   * Starts what the format needs before any artifact (a native library, a runtime environment).
   * Called on a background thread as soon as a manifest names the format, while the artifact's
   * sha256 is checked, so it must not read any artifact; failures are left for {@link #load} to
   * report. {@code spec} is what the manifest says, including what {@code package} recorded, so a
   * format can leave unstarted what the load will not need. Default: nothing.
   */
  default void prepare(ModelSpec spec) {}

  /**
   * Loads a verified artifact and checks it agrees with what the package says.
   *
   * @throws io.modelship.runtime.format.ModelPackageException naming what was found and what is
   *     supported
   */
  LoadedModel load(Path artifact, ModelSpec spec);
}
