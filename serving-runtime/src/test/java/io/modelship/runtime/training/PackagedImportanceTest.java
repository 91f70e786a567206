package io.modelship.runtime.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelship.format.smile.Algorithm;
import io.modelship.runtime.TestModels;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * That train (Smile) and package (ONNX) record permutation importance in model.json; what it
 * measures is runtime-core's PermutationImportanceTest.
 */
class PackagedImportanceTest {

  @Test
  void packageRecordsImportanceForAnOnnxModelInModelJson(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
    var examples = TestModels.locate("examples/onnx");
    var out = tmp.resolve("iris-logistic");
    assertThat(
            io.modelship.runtime.cli.Main.commandLine()
                .execute(
                    "package",
                    "--artifact",
                    examples.resolve("iris-logistic.onnx").toString(),
                    "--data",
                    examples.resolve("iris.csv").toString(),
                    "--target",
                    "species",
                    "--name",
                    "iris-logistic",
                    "--version",
                    "1.0.0",
                    "--out",
                    out.toString()))
        .isZero();

    var json =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(out.resolve("model.json").toFile());
    var importance = json.path("metrics").path("featureImportance");
    assertThat(importance.size()).isEqualTo(4);
    double petals =
        Math.max(
            importance.path("petal_length").asDouble(), importance.path("petal_width").asDouble());
    assertThat(petals)
        .isGreaterThan(importance.path("sepal_length").asDouble())
        .isGreaterThan(importance.path("sepal_width").asDouble())
        .isGreaterThan(0.05);
    // and the runtime reads the package back with it
    assertThat(
            io.modelship.runtime.model.ModelPackage.readManifest(out).metrics().featureImportance())
        .containsOnlyKeys("sepal_length", "sepal_width", "petal_length", "petal_width");
  }

  @Test
  void trainRecordsImportanceForEveryFeatureAndIrisLeansOnItsPetals() {
    var manifest = TestModels.train(Algorithm.RANDOM_FOREST, 30).manifest();

    Map<String, Double> importance = manifest.metrics().featureImportance();
    assertThat(importance).containsOnlyKeys(manifest.featureNames());
    double petals = Math.max(importance.get("petal_length"), importance.get("petal_width"));
    assertThat(petals).isGreaterThan(importance.get("sepal_width")).isGreaterThan(0.05);
  }
}
