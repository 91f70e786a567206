package io.modelship.format.onnx;

import io.modelship.runtime.format.ModelFormats;
import io.modelship.runtime.format.Task;
import io.modelship.runtime.model.ModelManifest;
import io.modelship.runtime.training.ArtifactPackager;
import io.modelship.runtime.training.LabeledTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The scikit-learn models in {@code examples/onnx/}, with the data they were fitted on and
 * scikit-learn's outputs.
 */
public enum OnnxExamples {
  IRIS_FOREST("iris-forest", "iris", "species", Task.CLASSIFICATION),
  IRIS_LOGISTIC_ZIPMAP("iris-logistic", "iris", "species", Task.CLASSIFICATION),
  BREAST_CANCER_FOREST_INT64(
      "breast-cancer-forest", "breast-cancer", "benign", Task.CLASSIFICATION),
  BREAST_CANCER_LOGISTIC_INT64_ZIPMAP(
      "breast-cancer-logistic", "breast-cancer", "benign", Task.CLASSIFICATION),
  DIABETES_FOREST_REGRESSOR("diabetes-forest", "diabetes", "progression", Task.REGRESSION);

  public static final Path DIR = locate("examples/onnx");

  public final String model;
  public final String data;
  public final String target;
  public final Task task;

  OnnxExamples(String model, String data, String target, Task task) {
    this.model = model;
    this.data = data;
    this.target = target;
    this.task = task;
  }

  public Path artifact() {
    return DIR.resolve(model + ".onnx");
  }

  public Path csv() {
    return DIR.resolve(data + ".csv");
  }

  /** scikit-learn's outputs, one line per CSV row: {@code prediction[,probability_LABEL…]}. */
  public List<String[]> expected() {
    try {
      return Files.readAllLines(DIR.resolve(model + ".expected.csv")).stream()
          .skip(1)
          .filter(line -> !line.isBlank())
          .map(line -> line.split(","))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public List<String> expectedLabels() {
    try {
      String header = Files.readAllLines(DIR.resolve(model + ".expected.csv")).getFirst();
      return Arrays.stream(header.split(","))
          .skip(1)
          .map(h -> h.substring("probability_".length()))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Packages the example with {@code package}'s code into {@code out}. */
  public ModelManifest packageInto(Path out) {
    return new ArtifactPackager()
        .write(
            new ArtifactPackager.Request(
                artifact(),
                ModelFormats.named("onnx"),
                LabeledTable.read(csv(), target, null),
                task,
                model,
                "1.0.0",
                "scikit-learn"),
            out);
  }

  public static Path locate(String relative) {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve(relative))) {
        return dir.resolve(relative);
      }
    }
    throw new IllegalStateException(relative + " not found above " + Path.of("").toAbsolutePath());
  }
}
