package io.modelship.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelship.runtime.model.Checksums;
import io.modelship.runtime.model.ModelPackage;
import io.modelship.runtime.training.SyntheticClassification;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a new user finds in examples/ works, and the generated data set is what the generator makes.
 */
class ExamplesTest {

  @Test
  void committedSyntheticDataIsExactlyWhatTheGeneratorWrites(@TempDir Path tmp) throws IOException {
    Path regenerated = tmp.resolve("synthetic-20.csv");
    SyntheticClassification.write(regenerated, 2000, 20, 7);
    assertThat(Files.readString(regenerated))
        .as(
            "examples/data/synthetic-20.csv is stale; regenerate with: serving-runtime.jar generate-data"
                + " --rows 2000 --features 20 --seed 7 --out examples/data/synthetic-20.csv")
        .isEqualTo(Files.readString(TestModels.locate("examples/data/synthetic-20.csv")));
  }

  @Test
  void examplePackagesLoadVerifiedAndPredict(@TempDir Path tmp) {
    for (String name : new String[] {"iris-1.0.0.tar.gz", "iris-2.0.0.tar.gz"}) {
      Path archive = TestModels.locate("examples/models/" + name);
      ModelPackage pkg =
          ModelPackage.load(
              archive.toString(),
              Checksums.sha256(archive),
              ModelPackage.LoadOptions.of(tmp, tmp.resolve(name), 10_000_000));
      assertThat(pkg.manifest().name()).isEqualTo("iris");
      assertThat(
              pkg.manifest()
                  .labels()
                  .get(TestModels.classify(pkg, new double[] {5.1, 3.5, 1.4, 0.2}, new double[3])))
          .isEqualTo("setosa");
    }
  }
}
