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
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Binary random forests exported both ways ({@code make_binary_forests.py}): weights for one class
 * or for both, int64 or string labels, probabilities as a tensor or a ZipMap. Each packages, loads
 * (through ONNX Runtime, and through the compiled trees where the package recorded them) and
 * answers scikit-learn's {@code predict} and {@code predict_proba} on every row of its data.
 */
class BinaryForestsTest {

  private static final Path DIR = OnnxExamples.locate("format-onnx/src/test/resources/onnx/binary");
  private static final Pattern COUNT =
      Pattern.compile("disagreed with its probabilities on (\\d+) of 512 probe rows");

  @TempDir Path tmp;

  @ParameterizedTest
  @CsvSource({
    "one,int64,tensor",
    "one,int64,zipmap",
    "one,string,tensor",
    "one,string,zipmap",
    "both,int64,tensor",
    "both,int64,zipmap",
    "both,string,tensor",
    "both,string,zipmap"
  })
  void packagesServesAndAnswersAsScikitLearn(String weights, String labels, String output)
      throws IOException {
    String name = "binary-" + weights + "-" + labels + "-" + output;
    ModelManifest manifest = packageInto(DIR.resolve(name + ".onnx"), tmp.resolve(name));
    Map<String, String> checks =
        manifest.artifact().checks() == null ? Map.of() : manifest.artifact().checks();
    String recorded = checks.get(BinaryLabels.KEY);
    if (weights.equals("both")) {
      // ONNX Runtime's own label output disagrees with its probabilities: served as scikit-learn
      // labels.
      assertThat(recorded).as("model.json's %s", BinaryLabels.KEY).isNotNull();
      Matcher m = COUNT.matcher(recorded);
      assertThat(m.find()).as(recorded).isTrue();
      assertThat(Integer.parseInt(m.group(1))).isPositive();
    } else {
      assertThat(recorded).as("weights for one class: ONNX Runtime's labels agree").isNull();
    }
    // The compiled trees serve the tensor forms without ONNX Runtime; the ZipMap forms run on it.
    assertThat(checks.containsKey(PackagedCheck.KEY)).isEqualTo(output.equals("tensor"));
    assertAnswersAsScikitLearn(tmp.resolve(name), name);
    // Without the compiled trees' record the load runs ONNX Runtime and checks against it again.
    if (dropRecord(tmp.resolve(name), PackagedCheck.KEY)) {
      assertAnswersAsScikitLearn(tmp.resolve(name), name);
    }
  }

  @Test
  void aMislabelledBinaryForestIsStillRefused() {
    // Class labels listed in reverse: every label names the other class's probability. Not the
    // ONNX Runtime artefact, so today's refusal stands.
    assertThatThrownBy(
            () -> packageInto(DIR.resolve("binary-reversed-string-tensor.onnx"), tmp.resolve("r")))
        .hasMessageContaining("labels disagree: on CSV row 1 the model's label output is")
        .hasMessageContaining("but its highest probability is in column");
  }

  @Test
  void aPackageMadeBeforeTheDecisionStillLoads() throws IOException {
    String name = "binary-both-int64-tensor";
    packageInto(DIR.resolve(name + ".onnx"), tmp.resolve(name));
    assertThat(dropRecord(tmp.resolve(name), BinaryLabels.KEY)).isTrue();
    assertAnswersAsScikitLearn(tmp.resolve(name), name);
  }

  private void assertAnswersAsScikitLearn(Path dir, String name) {
    try (ModelPackage pkg =
        ModelPackage.load(
            dir.toString(),
            null,
            ModelPackage.LoadOptions.of(tmp, tmp.resolve("work"), 10_000_000))) {
      LabeledTable data = LabeledTable.read(csv(name), "churn", pkg.featureNames());
      Predictions p = pkg.model().predict(data.rows());
      List<String> expected = Files.readAllLines(DIR.resolve(name + ".expected.csv"));
      List<String> header = List.of(expected.getFirst().split(","));
      List<String> labels = pkg.manifest().labels();
      assertThat(header.subList(1, header.size()))
          .containsExactly("probability_" + labels.get(0), "probability_" + labels.get(1));
      assertThat(p.size()).isEqualTo(expected.size() - 1);
      for (int i = 0; i < p.size(); i++) {
        String[] row = expected.get(i + 1).split(",");
        assertThat(labels.get(p.classIndex()[i]))
            .as("%s row %d: predict", name, i + 1)
            .isEqualTo(row[0]);
        for (int k = 0; k < 2; k++) {
          assertThat(p.probabilities()[i][k])
              .as("%s row %d: predict_proba[%d]", name, i + 1, k)
              .isCloseTo(Double.parseDouble(row[k + 1]), within(1e-5));
        }
        // Served one row at a time, as /predict serves, the answer is the same.
        if (i < 40) {
          Predictions one = pkg.model().predict(new double[][] {data.rows()[i]});
          assertThat(labels.get(one.classIndex()[0]))
              .as("%s row %d alone", name, i + 1)
              .isEqualTo(row[0]);
        }
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static ModelManifest packageInto(Path artifact, Path out) {
    return new ArtifactPackager()
        .write(
            new ArtifactPackager.Request(
                artifact,
                ModelFormats.named("onnx"),
                LabeledTable.read(csv(artifact.getFileName().toString()), "churn", null),
                Task.CLASSIFICATION,
                "churn",
                "1",
                "scikit-learn"),
            out);
  }

  private static Path csv(String model) {
    return DIR.resolve(model.contains("-string") ? "binary-strings.csv" : "binary.csv");
  }

  /**
   * Removes one {@code artifact.checks} entry from the package's model.json; false when it had
   * none.
   */
  private static boolean dropRecord(Path dir, String key) throws IOException {
    Path json = dir.resolve("model.json");
    String manifest = Files.readString(json);
    String without =
        manifest
            .replaceAll("\"" + Pattern.quote(key) + "\"\\s*:\\s*\"[^\"]*\"\\s*,?", "")
            .replaceAll(",(\\s*})", "$1");
    Files.writeString(json, without);
    return !without.equals(manifest) && !without.contains(key);
  }
}
