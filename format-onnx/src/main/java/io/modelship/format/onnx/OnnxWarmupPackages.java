package io.modelship.format.onnx;

import io.modelship.runtime.cli.WarmupPackages;
import io.modelship.runtime.format.Task;
import io.modelship.runtime.training.ArtifactPackager;
import io.modelship.runtime.training.LabeledTable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Two of the scikit-learn examples (copies of {@code examples/onnx/}) packaged for {@code warmup}:
 * a random forest, served by the compiled trees, and a scaler + logistic regression with ZipMap,
 * served by ONNX Runtime, so the AOT cache covers both ONNX paths.
 */
public final class OnnxWarmupPackages implements WarmupPackages {

  private static final String RESOURCES = "/io/modelship/format/onnx/warmup/";

  @Override
  public List<Sample> write(Path dir) {
    try {
      Path csv = copy("iris.csv", dir);
      LabeledTable iris = LabeledTable.read(csv, "species", null);
      return List.of(
          sample("iris-forest", csv, iris, dir), sample("iris-logistic", csv, iris, dir));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot write the ONNX warm-up packages: " + e.getMessage(), e);
    }
  }

  private static Sample sample(String model, Path csv, LabeledTable iris, Path dir)
      throws IOException {
    Path pkg = dir.resolve(model + "-1.0.0.tar.gz");
    new ArtifactPackager()
        .write(
            new ArtifactPackager.Request(
                copy(model + ".onnx", dir),
                new OnnxFormat(),
                iris,
                Task.CLASSIFICATION,
                model,
                "1.0.0",
                "scikit-learn"),
            pkg);
    return new Sample(pkg, model, iris.featureNames().size(), "setosa");
  }

  private static Path copy(String name, Path dir) throws IOException {
    try (InputStream in = OnnxWarmupPackages.class.getResourceAsStream(RESOURCES + name)) {
      if (in == null) {
        throw new IOException("resource " + RESOURCES + name + " is missing from the jar");
      }
      Path out = dir.resolve(name);
      Files.copy(in, out);
      return out;
    }
  }
}
