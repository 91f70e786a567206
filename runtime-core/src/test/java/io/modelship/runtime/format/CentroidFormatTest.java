package io.modelship.runtime.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelship.runtime.TestModels;
import io.modelship.runtime.model.ModelPackage;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fixture itself: found through the format SPI, verified and loaded like a real format. */
class CentroidFormatTest {

  @TempDir Path tmp;

  @Test
  void theFixturePackageLoadsThroughTheSpiAndPredictsDeterministically() {
    assertThat(ModelFormats.names()).containsExactly(CentroidFormat.NAME);
    ModelPackage pkg =
        ModelPackage.load(
            TestModels.irisDirectory().toString(),
            null,
            ModelPackage.LoadOptions.of(tmp.resolve("pvc"), tmp.resolve("work"), 100_000_000));
    assertThat(pkg.manifest().reference().predictions()).containsOnlyKeys(pkg.manifest().labels());
    assertThat(pkg.manifest().metrics().holdoutAccuracy()).isGreaterThan(0.85);
    double[] p = new double[3];
    int setosa = TestModels.classify(pkg, new double[] {5.1, 3.5, 1.4, 0.2}, p);
    int virginica = TestModels.classify(pkg, new double[] {6.7, 3.0, 5.2, 2.3}, new double[3]);
    assertThat(pkg.manifest().labels().get(setosa)).isEqualTo("setosa");
    assertThat(pkg.manifest().labels().get(virginica)).isEqualTo("virginica");
    assertThat(p[0] + p[1] + p[2]).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(TestModels.classify(pkg, new double[] {5.1, 3.5, 1.4, 0.2}, new double[3]))
        .isEqualTo(setosa);
  }

  @Test
  void refusesAnArtifactThatDisagreesWithTheManifest() {
    ModelSpec spec =
        new ModelSpec(
            java.util.List.of("a", "b"), Task.CLASSIFICATION, java.util.List.of("x", "y"), "t");
    Path artifact = TestModels.irisDirectory().resolve(CentroidFormat.ARTIFACT_FILE);
    assertThatThrownBy(() -> new CentroidFormat().load(artifact, spec))
        .isInstanceOf(ModelPackageException.class)
        .hasMessageContaining("model.json says [a, b]");
  }
}
