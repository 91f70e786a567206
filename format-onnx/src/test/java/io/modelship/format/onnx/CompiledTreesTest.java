package io.modelship.format.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelship.runtime.format.ModelFormats;
import io.modelship.runtime.format.Predictions;
import io.modelship.runtime.format.Task;
import io.modelship.runtime.model.ModelManifest;
import io.modelship.runtime.model.ModelPackage;
import io.modelship.runtime.training.ArtifactPackager;
import io.modelship.runtime.training.LabeledTable;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Tree ensembles served by the compiled path must give scikit-learn's answers to 1e-5 — one row at
 * a time, in batches under and over the parallel split — and anything the compiled path does not
 * support must still be served, by ONNX Runtime.
 */
class CompiledTreesTest {

  @TempDir Path tmp;

  @ParameterizedTest
  @EnumSource(
      value = OnnxExamples.class,
      names = {"IRIS_FOREST", "BREAST_CANCER_FOREST_INT64", "DIABETES_FOREST_REGRESSOR"})
  void forestsAreCompiledAndPredictWhatScikitLearnPredicted(OnnxExamples example) {
    ModelManifest packaged = example.packageInto(tmp.resolve(example.model));
    // `package` checked the compiled trees against ONNX Runtime and says so in model.json ...
    assertThat(packaged.artifact().checks()).containsOnlyKeys(PackagedCheck.KEY);
    assertThat(packaged.artifact().checks().get(PackagedCheck.KEY))
        .matches("agree with ONNX Runtime 1\\.23\\.2 on 512 probe rows; key [0-9a-f]{64}");
    // ... so serving them needs no ONNX Runtime at all.
    try (ModelPackage pkg = load(tmp.resolve(example.model))) {
      assertThat(pkg.model()).isInstanceOf(CompiledOnnxModel.class);
      assertThat(pkg.model().describe())
          .contains("served by the compiled tree ensemble (20 trees")
          .contains(
              "ONNX Runtime not started: these trees agreed with it when the package was made");
      assertMatchesScikitLearn(
          pkg, example.csv(), example.target, example.expected(), example.task);
    }
  }

  /**
   * A package without the record (made before it existed), or whose record does not hold — edited,
   * for another artifact or spec, or from a runtime with another compiler or ONNX Runtime — is
   * checked against ONNX Runtime again, as every load once was.
   */
  @ParameterizedTest
  @ValueSource(strings = {"none", "edited key", "other ONNX Runtime", "renamed feature"})
  void withoutARecordThatHoldsTheTreesAreCheckedAgainstOnnxRuntimeAtLoad(String record)
      throws Exception {
    OnnxExamples example = OnnxExamples.IRIS_FOREST;
    Path dir = tmp.resolve(example.model);
    example.packageInto(dir);
    ObjectNode json =
        (ObjectNode) ModelPackage.json().readTree(dir.resolve(ModelPackage.MANIFEST_FILE).toFile());
    ObjectNode checks = (ObjectNode) json.path("artifact").path("checks");
    String recorded = checks.path(PackagedCheck.KEY).asText();
    switch (record) {
      case "none" -> ((ObjectNode) json.path("artifact")).remove("checks");
      case "edited key" ->
          checks.put(
              PackagedCheck.KEY,
              recorded.substring(0, recorded.length() - 1) + (recorded.endsWith("0") ? "1" : "0"));
      case "other ONNX Runtime" ->
          checks.put(PackagedCheck.KEY, recorded.replace("1.23.2", "1.22.0"));
      default -> ((ObjectNode) json.path("features").get(0)).put("name", "sepal_len");
    }
    ModelPackage.json().writeValue(dir.resolve(ModelPackage.MANIFEST_FILE).toFile(), json);
    try (ModelPackage pkg = load(dir)) {
      assertThat(pkg.model()).isInstanceOf(OnnxModel.class);
      assertThat(pkg.model().describe())
          .contains("served by the compiled tree ensemble (20 trees")
          .contains("ONNX Runtime's session closed after the check");
      assertThat(((OnnxModel) pkg.model()).sessionOpen())
          .as("ONNX Runtime's session, no longer needed")
          .isFalse();
      // The load vouches again, for the next package made from it (for the spec it was given).
      assertThat(pkg.model().checks()).containsKey(PackagedCheck.KEY);
      assertThat(pkg.model().checks().get(PackagedCheck.KEY).equals(recorded))
          .isEqualTo(!record.equals("renamed feature"));
      double[][] rows = LabeledTable.read(example.csv(), example.target, null).rows();
      assertMatchesScikitLearnRows(pkg, rows, example.expected());
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = OnnxExamples.class,
      names = {"IRIS_LOGISTIC_ZIPMAP", "BREAST_CANCER_LOGISTIC_INT64_ZIPMAP"})
  void otherGraphsStayWithOnnxRuntime(OnnxExamples example) {
    example.packageInto(tmp.resolve(example.model));
    try (ModelPackage pkg = load(tmp.resolve(example.model))) {
      assertThat(pkg.model().describe())
          .contains("served by ONNX Runtime (not compiled: the graph has")
          .contains("nodes ([Scaler, LinearClassifier");
      assertThat(((OnnxModel) pkg.model()).sessionOpen()).as("the session that serves").isTrue();
      assertMatchesScikitLearn(
          pkg, example.csv(), example.target, example.expected(), example.task);
    }
  }

  @Test
  void lessThanAndGreaterOrEqualSplitsAreCompiledExactly() {
    for (String variant : List.of("iris-forest-lt.onnx", "iris-forest-gte.onnx")) {
      try (ModelPackage pkg = wrapAndLoad(resource(variant))) {
        assertThat(pkg.model().describe())
            .as(variant)
            .contains("served by the compiled tree ensemble");
        assertMatchesScikitLearn(
            pkg,
            OnnxExamples.IRIS_FOREST.csv(),
            "species",
            OnnxExamples.IRIS_FOREST.expected(),
            Task.CLASSIFICATION);
      }
    }
  }

  @Test
  void anUnsupportedPostTransformIsServedByOnnxRuntime() {
    try (ModelPackage pkg = wrapAndLoad(resource("iris-forest-softmax.onnx"))) {
      assertThat(pkg.model().describe())
          .contains(
              "served by ONNX Runtime (not compiled: post_transform SOFTMAX (only NONE is compiled))");
      LabeledTable data =
          LabeledTable.read(OnnxExamples.IRIS_FOREST.csv(), "species", pkg.featureNames());
      Predictions p = pkg.model().predict(data.rows());
      // SOFTMAX over scores summing to 1: every probability lies strictly between the uniform 1/3
      // and 1/2
      for (double[] row : p.probabilities()) {
        assertThat(row[0] + row[1] + row[2]).isCloseTo(1.0, within(1e-5));
        for (double v : row) {
          assertThat(v).isBetween(0.2, 0.6);
        }
      }
    }
  }

  @Test
  void disagreementNamesTheRowAndTheValues() {
    Predictions reference =
        Predictions.classes(new int[] {0, 1}, new double[][] {{0.9, 0.1}, {0.2, 0.8}});
    assertThat(OnnxFormat.disagreement(reference, reference)).isNull();
    assertThat(
            OnnxFormat.disagreement(
                reference,
                Predictions.classes(new int[] {0, 1}, new double[][] {{0.9, 0.1}, {0.2, 0.80002}})))
        .isEqualTo("row 1: probability 1 0.80002 against 0.8");
    assertThat(
            OnnxFormat.disagreement(
                reference,
                Predictions.classes(new int[] {0, 0}, new double[][] {{0.9, 0.1}, {0.2, 0.8}})))
        .isEqualTo("row 1: label index 0 against 1");
    Predictions values = Predictions.values(new double[] {150.0});
    assertThat(OnnxFormat.disagreement(values, Predictions.values(new double[] {150.001})))
        .isNull();
    assertThat(OnnxFormat.disagreement(values, Predictions.values(new double[] {150.01})))
        .isEqualTo("row 0: value 150.01 against 150.0");
  }

  /** The CSV's rows in its own column order (a renamed feature cannot be looked up by name). */
  private static void assertMatchesScikitLearnRows(
      ModelPackage pkg, double[][] rows, List<String[]> expected) {
    Predictions all = pkg.model().predict(rows);
    for (int i = 0; i < rows.length; i++) {
      assertRow(pkg, all, i, expected.get(i), Task.CLASSIFICATION, i);
    }
  }

  /**
   * Every row alone, all rows as one batch, and the rows four times over (past the parallel split).
   */
  private static void assertMatchesScikitLearn(
      ModelPackage pkg, Path csv, String target, List<String[]> expected, Task task) {
    double[][] rows = LabeledTable.read(csv, target, pkg.featureNames()).rows();
    double[][] repeated = new double[rows.length * 4][];
    for (int i = 0; i < repeated.length; i++) {
      repeated[i] = rows[i % rows.length];
    }
    Predictions all = pkg.model().predict(rows);
    Predictions many = pkg.model().predict(repeated);
    for (int i = 0; i < rows.length; i++) {
      Predictions one = pkg.model().predict(new double[][] {rows[i]});
      assertRow(pkg, one, 0, expected.get(i), task, i);
      assertRow(pkg, all, i, expected.get(i), task, i);
      assertRow(pkg, many, i + rows.length * 3, expected.get(i), task, i);
    }
  }

  private static void assertRow(
      ModelPackage pkg, Predictions p, int at, String[] expected, Task task, int row) {
    if (task == Task.REGRESSION) {
      double sklearn = Double.parseDouble(expected[0]);
      assertThat(p.values()[at])
          .as("row %d", row + 1)
          .isCloseTo(sklearn, within(1e-5 * Math.abs(sklearn)));
      return;
    }
    List<String> labels = pkg.manifest().labels();
    assertThat(labels.get(p.classIndex()[at])).as("row %d", row + 1).isEqualTo(expected[0]);
    for (int k = 0; k < labels.size(); k++) {
      assertThat(p.probabilities()[at][k])
          .as("row %d, %s", row + 1, labels.get(k))
          .isCloseTo(Double.parseDouble(expected[k + 1]), within(1e-5));
    }
  }

  private ModelPackage wrapAndLoad(Path artifact) {
    Path dir = tmp.resolve("out-" + System.nanoTime());
    new ArtifactPackager()
        .write(
            new ArtifactPackager.Request(
                artifact,
                ModelFormats.named("onnx"),
                LabeledTable.read(OnnxExamples.IRIS_FOREST.csv(), "species", null),
                Task.CLASSIFICATION,
                "m",
                "1",
                "onnx"),
            dir);
    return load(dir);
  }

  private static Path resource(String name) {
    return OnnxExamples.locate("format-onnx/src/test/resources/onnx").resolve(name);
  }

  private ModelPackage load(Path dir) {
    return ModelPackage.load(
        dir.toString(), null, ModelPackage.LoadOptions.of(tmp, tmp.resolve("work"), 10_000_000));
  }
}
