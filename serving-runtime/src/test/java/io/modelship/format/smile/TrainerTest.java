package io.modelship.format.smile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelship.runtime.TestModels;
import io.modelship.runtime.model.ModelManifest;
import io.modelship.runtime.model.ModelPackage;
import io.modelship.runtime.training.LabeledTable;
import io.modelship.runtime.training.SyntheticClassification;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TrainerTest {

  @TempDir Path tmp;

  @ParameterizedTest
  @EnumSource(Algorithm.class)
  void everyAlgorithmTrainsAServablePackage(Algorithm algorithm) {
    Trainer.Result result = TestModels.train(algorithm, 20);
    assertThat(result.holdoutAccuracy()).as(algorithm.cliName()).isGreaterThan(0.85);
    ModelManifest written = SmileFormat.writePackage(result, tmp.resolve(algorithm.cliName()));
    ModelPackage pkg =
        ModelPackage.load(
            tmp.resolve(algorithm.cliName()).toString(),
            null,
            ModelPackage.LoadOptions.of(tmp, tmp.resolve("work"), 10_000_000));
    assertThat(pkg.manifest().algorithm()).isEqualTo(algorithm.cliName());
    assertThat(pkg.manifest().artifact().sha256()).isEqualTo(written.artifact().sha256());
    double[] p = new double[3];
    int k = TestModels.classify(pkg, new double[] {6.7, 3.0, 5.2, 2.3}, p);
    assertThat(pkg.manifest().labels().get(k)).isEqualTo("virginica");
    assertThat(p[0] + p[1] + p[2]).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-6));
  }

  @Test
  void manifestDescribesFeaturesLabelsMetricsAndReferenceDistributions() {
    ModelManifest m = TestModels.irisManifest();
    assertThat(m.features())
        .extracting(ModelManifest.Feature::name)
        .containsExactly("sepal_length", "sepal_width", "petal_length", "petal_width");
    assertThat(m.features().get(2).min()).isEqualTo(1.0);
    assertThat(m.labels()).containsExactly("setosa", "versicolor", "virginica");
    assertThat(m.metrics().trainRows()).isEqualTo(120);
    assertThat(m.metrics().testRows()).isEqualTo(30);
    assertThat(m.metrics().f1()).as("F1 only for two classes").isNull();
    ModelManifest.Bins petal = m.reference().features().get("petal_length");
    assertThat(petal.fractions()).hasSize(petal.edges().length + 1);
    assertThat(java.util.Arrays.stream(petal.fractions()).sum())
        .isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(m.reference().predictions().values().stream().mapToDouble(Double::doubleValue).sum())
        .isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(m.createdAt()).isNotBlank();
  }

  @Test
  void binaryProblemsReportF1AndAnExplicitTestFileReplacesTheHoldout() throws IOException {
    Path data = tmp.resolve("synthetic.csv");
    SyntheticClassification.write(data, 600, 6, 3);
    Path test = tmp.resolve("test.csv");
    SyntheticClassification.write(test, 200, 6, 4);
    LabeledTable train = LabeledTable.read(data, "label", null);
    Trainer.Result result =
        new Trainer()
            .train(
                new Trainer.Request(
                    train,
                    LabeledTable.read(test, "label", train.featureNames()),
                    "synth",
                    "2.0.0",
                    Algorithm.RANDOM_FOREST,
                    30,
                    6,
                    1));
    assertThat(result.manifest().metrics().testRows()).isEqualTo(200);
    assertThat(result.manifest().metrics().trainRows()).isEqualTo(600);
    assertThat(result.manifest().metrics().f1()).isBetween(0.5, 1.0);
    assertThat(result.manifest().labels()).containsExactly("0", "1");
  }

  @Test
  void syntheticDataIsReproducible() throws IOException {
    SyntheticClassification.write(tmp.resolve("a.csv"), 300, 20, 7);
    SyntheticClassification.write(tmp.resolve("b.csv"), 300, 20, 7);
    SyntheticClassification.write(tmp.resolve("c.csv"), 300, 20, 8);
    assertThat(Files.readString(tmp.resolve("a.csv")))
        .isEqualTo(Files.readString(tmp.resolve("b.csv")))
        .isNotEqualTo(Files.readString(tmp.resolve("c.csv")));
    assertThat(Files.readAllLines(tmp.resolve("a.csv")).getFirst())
        .startsWith("f0,f1,")
        .endsWith("f19,label");
  }

  @Test
  void badDataIsReportedWithRowAndColumn() throws IOException {
    Path csv = tmp.resolve("bad.csv");
    Files.writeString(csv, "a,b,y\n1,2,x\n3,oops,y\n");
    assertThatThrownBy(() -> LabeledTable.read(csv, "y", null))
        .hasMessageContaining("line 3, column 'b': 'oops' is not a finite number");
    assertThatThrownBy(() -> LabeledTable.read(csv, "label", null))
        .hasMessageContaining("no column named 'label'");
    Path oneClass = tmp.resolve("one.csv");
    Files.writeString(oneClass, "a,y\n1,x\n2,x\n3,x\n");
    assertThatThrownBy(
            () ->
                new Trainer()
                    .train(
                        new Trainer.Request(
                            LabeledTable.read(oneClass, "y", null),
                            null,
                            "m",
                            "1",
                            Algorithm.DECISION_TREE,
                            1,
                            3,
                            1)))
        .hasMessageContaining("only one class");
    assertThatThrownBy(() -> Algorithm.parse("svm"))
        .hasMessageContaining("unknown algorithm 'svm'");
  }

  @Test
  void integerLabelsSortNumerically() throws IOException {
    Path csv = tmp.resolve("ints.csv");
    Files.writeString(csv, "a,y\n1,10\n2,9\n3,2\n");
    assertThat(LabeledTable.read(csv, "y", null).distinctLabels()).containsExactly("2", "9", "10");
  }
}
