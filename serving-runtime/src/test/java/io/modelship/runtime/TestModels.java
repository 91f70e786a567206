package io.modelship.runtime;

import io.modelship.format.smile.Algorithm;
import io.modelship.format.smile.SmileFormat;
import io.modelship.format.smile.Trainer;
import io.modelship.runtime.format.Predictions;
import io.modelship.runtime.model.ModelManifest;
import io.modelship.runtime.model.ModelPackage;
import io.modelship.runtime.training.LabeledTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Model packages trained once per test JVM from the example data, so tests use real artifacts. */
public final class TestModels {

  public static final Path IRIS_CSV = locate("examples/data/iris.csv");
  private static Path irisDir;
  private static ModelManifest irisManifest;

  private TestModels() {}

  /** A folder package of a 30-tree random forest on iris (small, fast to load). */
  public static synchronized Path irisDirectory() {
    if (irisDir == null) {
      try {
        irisDir = Files.createTempDirectory("iris-test-").resolve("iris");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      irisManifest = SmileFormat.writePackage(train(Algorithm.RANDOM_FOREST, 30), irisDir);
    }
    return irisDir;
  }

  public static synchronized ModelManifest irisManifest() {
    irisDirectory();
    return irisManifest;
  }

  /**
   * Classifies one row with a loaded package, filling {@code probabilities}; returns the label
   * index.
   */
  public static int classify(ModelPackage pkg, double[] row, double[] probabilities) {
    Predictions p = pkg.model().predict(new double[][] {row});
    System.arraycopy(p.probabilities()[0], 0, probabilities, 0, probabilities.length);
    return p.classIndex()[0];
  }

  public static Trainer.Result train(Algorithm algorithm, int trees) {
    return new Trainer()
        .train(
            new Trainer.Request(
                LabeledTable.read(IRIS_CSV, "species", null),
                null,
                "iris",
                "1.0.0",
                algorithm,
                trees,
                8,
                42));
  }

  /** Copies the iris package folder so a test can damage its copy. */
  public static Path irisCopy(Path into) throws IOException {
    Path copy = Files.createDirectories(into.resolve("iris-copy"));
    try (var files = Files.list(irisDirectory())) {
      for (Path f : files.toList()) {
        Files.copy(f, copy.resolve(f.getFileName()));
      }
    }
    return copy;
  }

  /** Finds a repository file whether tests run from the module or the repository root. */
  public static Path locate(String relative) {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.exists(dir.resolve(relative))) {
        return dir.resolve(relative);
      }
    }
    throw new IllegalStateException(relative + " not found above " + Path.of("").toAbsolutePath());
  }
}
