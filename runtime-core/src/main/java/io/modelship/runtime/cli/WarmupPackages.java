package io.modelship.runtime.cli;

import java.nio.file.Path;
import java.util.List;

/**
 * Sample packages a format module hands to {@code warmup}, found with {@link
 * java.util.ServiceLoader}: the build records its AOT cache from that run, so every format whose
 * packages are served there (the ONNX format's native library, its sessions and its compiled trees)
 * starts from the cache too.
 */
public interface WarmupPackages {

  /** A package written for the warm-up, with what requests to it need. */
  record Sample(Path pkg, String name, int features, String label) {}

  /** Writes this format's sample packages under {@code dir}. */
  List<Sample> write(Path dir);
}
