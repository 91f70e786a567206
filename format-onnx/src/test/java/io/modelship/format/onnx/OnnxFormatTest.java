package io.modelship.format.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.modelship.runtime.format.ModelFormats;
import io.modelship.runtime.format.Predictions;
import io.modelship.runtime.format.Task;
import io.modelship.runtime.model.ModelManifest;
import io.modelship.runtime.model.ModelPackage;
import io.modelship.runtime.training.ArtifactPackager;
import io.modelship.runtime.training.LabeledTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Packaging and loading scikit-learn's ONNX exports, and refusing what the format does not serve.
 */
class OnnxFormatTest {

  @TempDir Path tmp;

  @Test
  void theServiceLoaderFindsOnlyOnnxOnAClassPathWithoutSmile() {
    assertThat(ModelFormats.names()).containsExactly("onnx");
    assertThatThrownBy(() -> ModelFormats.named("smile"))
        .hasMessageContaining("unknown format 'smile' (this runtime loads onnx)");
  }

  @ParameterizedTest
  @EnumSource(OnnxExamples.class)
  void packagedExamplesPredictWhatScikitLearnPredicted(OnnxExamples example) {
    ModelManifest written = example.packageInto(tmp.resolve(example.model));
    assertThat(written.format()).isEqualTo("onnx");
    assertThat(written.artifact().file()).isEqualTo("model.onnx");
    try (ModelPackage pkg = load(tmp.resolve(example.model))) {
      LabeledTable data = LabeledTable.read(example.csv(), example.target, pkg.featureNames());
      Predictions p = pkg.model().predict(data.rows());
      List<String[]> expected = example.expected();
      assertThat(p.size()).isEqualTo(expected.size());
      if (example.task == Task.REGRESSION) {
        for (int i = 0; i < expected.size(); i++) {
          double sklearn = Double.parseDouble(expected.get(i)[0]);
          assertThat(p.values()[i])
              .as("row %d", i + 1)
              .isCloseTo(sklearn, within(1e-5 * Math.abs(sklearn)));
        }
        return;
      }
      assertThat(pkg.manifest().labels()).containsExactlyElementsOf(example.expectedLabels());
      for (int i = 0; i < expected.size(); i++) {
        String[] row = expected.get(i);
        assertThat(pkg.manifest().labels().get(p.classIndex()[i]))
            .as("row %d", i + 1)
            .isEqualTo(row[0]);
        for (int k = 0; k < pkg.manifest().labels().size(); k++) {
          assertThat(p.probabilities()[i][k])
              .as("row %d, %s", i + 1, pkg.manifest().labels().get(k))
              .isCloseTo(Double.parseDouble(row[k + 1]), within(1e-5));
        }
      }
    }
  }

  @Test
  void packageRecordsTheBaselineAndTheReferenceDistributions() {
    ModelManifest iris = OnnxExamples.IRIS_FOREST.packageInto(tmp.resolve("iris"));
    assertThat(iris.task()).isEqualTo(Task.CLASSIFICATION);
    assertThat(iris.featureNames())
        .containsExactly("sepal_length", "sepal_width", "petal_length", "petal_width");
    assertThat(iris.labels()).containsExactly("setosa", "versicolor", "virginica");
    assertThat(iris.metrics().holdoutAccuracy()).isGreaterThan(0.9);
    assertThat(iris.reference().features()).containsOnlyKeys(iris.featureNames());
    assertThat(
            iris.reference().predictions().values().stream().mapToDouble(Double::doubleValue).sum())
        .isCloseTo(1.0, within(1e-9));

    ModelManifest diabetes =
        OnnxExamples.DIABETES_FOREST_REGRESSOR.packageInto(tmp.resolve("diabetes"));
    assertThat(diabetes.task()).isEqualTo(Task.REGRESSION);
    assertThat(diabetes.labels()).isNull();
    assertThat(diabetes.metrics().mae()).isPositive().isLessThan(diabetes.metrics().rmse());
    assertThat(diabetes.reference().predictionBins().fractions()).hasSize(10);
  }

  @Test
  void aTamperedArtifactIsRefused() throws IOException {
    Path dir = tmp.resolve("iris");
    OnnxExamples.IRIS_FOREST.packageInto(dir);
    Files.copy(
        OnnxExamples.IRIS_LOGISTIC_ZIPMAP.artifact(),
        dir.resolve("model.onnx"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    assertThatThrownBy(() -> load(dir))
        .hasMessageContaining("checksum mismatch for model.onnx")
        .hasMessageContaining("refusing to load a tampered artifact");
  }

  @Test
  void severalInputsAreRefused() {
    assertThatThrownBy(
            () ->
                wrap(
                    resource("two-inputs.onnx"),
                    OnnxExamples.IRIS_FOREST.csv(),
                    "species",
                    Task.CLASSIFICATION))
        .hasMessageContaining("has 2 inputs ('x' float[N, 4], 'y' float[N, 4])")
        .hasMessageContaining("supported: one float tensor input [N, F]");
  }

  @Test
  void aNonFloatInputIsRefused() {
    assertThatThrownBy(
            () ->
                wrap(
                    resource("double-input.onnx"),
                    OnnxExamples.IRIS_FOREST.csv(),
                    "species",
                    Task.CLASSIFICATION))
        .hasMessageContaining("input is 'input' double[N, 4]")
        .hasMessageContaining("supported: one float tensor input [N, F]");
  }

  @Test
  void anInputWidthThatDisagreesWithTheDataIsRefused() {
    assertThatThrownBy(
            () ->
                wrap(
                    OnnxExamples.IRIS_FOREST.artifact(),
                    OnnxExamples.BREAST_CANCER_FOREST_INT64.csv(),
                    "benign",
                    Task.CLASSIFICATION))
        .hasMessageContaining(
            "input is 'input' float[N, 4] (4 features) but the package has 30 features");
  }

  @Test
  void labelsThatDisagreeWithTheDataAreRefused() throws IOException {
    Path renamed = tmp.resolve("iris-renamed.csv");
    Files.writeString(
        renamed, Files.readString(OnnxExamples.IRIS_FOREST.csv()).replace("setosa", "bristly"));
    assertThatThrownBy(
            () ->
                wrap(OnnxExamples.IRIS_FOREST.artifact(), renamed, "species", Task.CLASSIFICATION))
        .hasMessageContaining("labels disagree")
        .hasMessageContaining("not among the package's labels [bristly, versicolor, virginica]");
    assertThatThrownBy(
            () ->
                wrap(
                    OnnxExamples.IRIS_LOGISTIC_ZIPMAP.artifact(),
                    renamed,
                    "species",
                    Task.CLASSIFICATION))
        .hasMessageContaining(
            "labels disagree: the ONNX model's classes are [setosa, versicolor, virginica]"
                + " but the package's labels are [bristly, versicolor, virginica]");
    Path twoClasses = tmp.resolve("iris-two.csv");
    Files.write(
        twoClasses,
        Files.readAllLines(OnnxExamples.IRIS_FOREST.csv()).stream()
            .filter(line -> !line.endsWith("virginica"))
            .toList());
    assertThatThrownBy(
            () ->
                wrap(
                    OnnxExamples.IRIS_FOREST.artifact(),
                    twoClasses,
                    "species",
                    Task.CLASSIFICATION))
        .hasMessageContaining("labels disagree")
        .hasMessageContaining("3 columns but the package has 2 labels [setosa, versicolor]");
  }

  @Test
  void aTaskThatDisagreesWithTheOutputsIsRefused() throws IOException {
    Path numericTarget = tmp.resolve("iris-numeric.csv");
    Files.write(
        numericTarget,
        Files.readAllLines(OnnxExamples.IRIS_FOREST.csv()).stream()
            .map(line -> line.replaceAll(",[a-z]+$", line.startsWith("sepal") ? ",score" : ",1.5"))
            .toList());
    assertThatThrownBy(
            () ->
                wrap(OnnxExamples.IRIS_FOREST.artifact(), numericTarget, "score", Task.REGRESSION))
        .hasMessageContaining(
            "a regressor needs one numeric output (float or double, [N] or [N, 1])");
    assertThatThrownBy(
            () ->
                wrap(
                    OnnxExamples.DIABETES_FOREST_REGRESSOR.artifact(),
                    OnnxExamples.DIABETES_FOREST_REGRESSOR.csv(),
                    "progression",
                    Task.CLASSIFICATION))
        .hasMessageContaining("a classifier needs a label tensor")
        .hasMessageContaining("package it with --task regression");
  }

  @Test
  void sessionThreadsAreValidated() {
    assertThat(OnnxFormat.intraOpThreads(null))
        .isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(OnnxFormat.intraOpThreads("2")).isEqualTo(2);
    assertThatThrownBy(() -> OnnxFormat.intraOpThreads("0"))
        .hasMessageContaining("ONNX_INTRA_OP_THREADS");
  }

  private ModelManifest wrap(Path artifact, Path csv, String target, Task task) {
    return new ArtifactPackager()
        .write(
            new ArtifactPackager.Request(
                artifact,
                ModelFormats.named("onnx"),
                LabeledTable.read(csv, target, null),
                task,
                "m",
                "1",
                "onnx"),
            tmp.resolve("out-" + System.nanoTime()));
  }

  private Path resource(String name) {
    return OnnxExamples.locate("format-onnx/src/test/resources/onnx").resolve(name);
  }

  private ModelPackage load(Path dir) {
    return ModelPackage.load(
        dir.toString(), null, ModelPackage.LoadOptions.of(tmp, tmp.resolve("work"), 10_000_000));
  }
}
