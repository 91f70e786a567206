package io.modelship.runtime;

import io.modelship.runtime.format.CentroidFormat;
import io.modelship.runtime.format.Predictions;
import io.modelship.runtime.format.Task;
import io.modelship.runtime.model.ModelManifest;
import io.modelship.runtime.model.ModelPackage;
import io.modelship.runtime.training.LabeledTable;
import io.modelship.runtime.training.PackageWriter;
import io.modelship.runtime.training.PermutationImportance;
import io.modelship.runtime.training.ReferenceProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * runtime-core's model fixture: an iris package in the test-only {@link CentroidFormat}, written
 * once per test JVM through the same {@link PackageWriter} and {@link ReferenceProfile} the real
 * formats use, so tests serve, verify and archive a real package (model.json with its sha256,
 * reference distributions, metrics) without Smile or ONNX. serving-runtime's tests have a class of
 * the same name that trains a Smile forest instead.
 */
public final class TestModels {

  public static final Path IRIS_CSV = locate("examples/data/iris.csv");
  private static Path irisDir;
  private static ModelManifest irisManifest;

  private TestModels() {}

  /** A folder package of a nearest-centroid classifier on iris. */
  public static synchronized Path irisDirectory() {
    if (irisDir == null) {
      try {
        irisDir = Files.createTempDirectory("iris-test-").resolve("iris");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      irisManifest = writeIris(irisDir);
    }
    return irisDir;
  }

  public static synchronized ModelManifest irisManifest() {
    irisDirectory();
    return irisManifest;
  }

  /**
   * Writes the iris centroid package to {@code out}: a folder, or a {@code .tar.gz} / {@code .zip}.
   * The centroids come from every fourth row left out as the holdout, so the metrics are honest.
   */
  public static ModelManifest writeIris(Path out) {
    LabeledTable all = LabeledTable.read(IRIS_CSV, "species", null);
    List<String> labels = all.distinctLabels();
    int n = all.size();
    int[] trainIdx = IntStream.range(0, n).filter(i -> i % 4 != 0).toArray();
    int[] testIdx = IntStream.range(0, n).filter(i -> i % 4 == 0).toArray();
    LabeledTable train = all.subset(trainIdx);
    LabeledTable test = all.subset(testIdx);
    double[][] means = means(train, labels);
    int[] testY = test.encode(labels);
    ModelManifest manifest =
        new ModelManifest(
            "iris",
            "1.0.0",
            CentroidFormat.NAME,
            Task.CLASSIFICATION,
            "nearest-centroid",
            null,
            all.target(),
            ReferenceProfile.features(train),
            labels,
            Map.of(),
            ModelManifest.TrainingMetrics.classification(
                    ReferenceProfile.accuracy(testY, predict(means, test.rows())),
                    null,
                    train.size(),
                    test.size(),
                    "every fourth row")
                .withFeatureImportance(
                    PermutationImportance.standard()
                        .classification(
                            test.featureNames(), test.rows(), testY, rows -> predict(means, rows))),
            ReferenceProfile.classification(train, predict(means, train.rows()), labels),
            "2026-01-01T00:00:00Z");
    CentroidFormat.Centroids centroids =
        new CentroidFormat.Centroids(train.featureNames(), labels, means);
    return new PackageWriter()
        .write(
            manifest,
            CentroidFormat.ARTIFACT_FILE,
            file -> ModelPackage.json().writeValue(file.toFile(), centroids),
            out);
  }

  private static double[][] means(LabeledTable table, List<String> labels) {
    int[] y = table.encode(labels);
    int p = table.featureNames().size();
    double[][] sums = new double[labels.size()][p];
    int[] counts = new int[labels.size()];
    for (int i = 0; i < y.length; i++) {
      counts[y[i]]++;
      for (int j = 0; j < p; j++) {
        sums[y[i]][j] += table.rows()[i][j];
      }
    }
    for (int k = 0; k < sums.length; k++) {
      for (int j = 0; j < p; j++) {
        sums[k][j] /= counts[k];
      }
    }
    return sums;
  }

  private static int[] predict(double[][] means, double[][] rows) {
    return Arrays.stream(rows)
        .mapToInt(row -> CentroidFormat.argmax(CentroidFormat.probabilities(means, row)))
        .toArray();
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
