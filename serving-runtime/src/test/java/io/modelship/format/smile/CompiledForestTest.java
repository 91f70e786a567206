package io.modelship.format.smile;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelship.runtime.TestModels;
import io.modelship.runtime.training.LabeledTable;
import io.modelship.runtime.training.SyntheticClassification;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The flattened forest must give exactly Smile's answers, or the speed-up would change predictions.
 */
class CompiledForestTest {

  @ParameterizedTest
  @EnumSource(
      value = Algorithm.class,
      names = {"RANDOM_FOREST", "DECISION_TREE"})
  void matchesSmileBitForBitOnIris(Algorithm algorithm) {
    Trainer.Result result = TestModels.train(algorithm, 40);
    LabeledTable iris = LabeledTable.read(TestModels.IRIS_CSV, "species", null);
    assertSame(result, iris.featureNames(), rows(iris.rows(), 4, 3000, 1));
  }

  @Test
  void matchesSmileOnTwentyFeatures(@TempDir Path tmp) throws IOException {
    Path csv = tmp.resolve("synthetic.csv");
    SyntheticClassification.write(csv, 1500, 20, 11);
    LabeledTable data = LabeledTable.read(csv, "label", null);
    Trainer.Result result =
        new Trainer()
            .train(new Trainer.Request(data, null, "s", "1", Algorithm.RANDOM_FOREST, 50, 10, 5));
    assertSame(result, data.featureNames(), rows(data.rows(), 20, 3000, 2));
  }

  @Test
  void leavesOtherModelsToSmile() {
    assertThat(CompiledForest.compile(TestModels.train(Algorithm.GRADIENT_BOOSTING, 5).model(), 3))
        .isEmpty();
    assertThat(
            CompiledForest.compile(TestModels.train(Algorithm.LOGISTIC_REGRESSION, 1).model(), 3))
        .isEmpty();
  }

  private static void assertSame(Trainer.Result result, List<String> names, double[][] rows) {
    int k = result.manifest().labels().size();
    CompiledForest compiled = CompiledForest.compile(result.model(), k).orElseThrow();
    SmilePredictor smile = SmilePredictor.of(result.model(), names);
    double[] expected = new double[k];
    double[] actual = new double[k];
    for (double[] row : rows) {
      int e = smile.predict(row, expected);
      int a = compiled.predict(row, actual);
      assertThat(a).isEqualTo(e);
      assertThat(actual).containsExactly(expected);
    }
    double[][] batch = new double[rows.length][k];
    int[] best = compiled.predictBatch(rows, batch);
    for (int r = 0; r < rows.length; r++) {
      int e = smile.predict(rows[r], expected);
      assertThat(best[r]).isEqualTo(e);
      assertThat(batch[r]).as("batch row %d, bit for bit", r).containsExactly(expected);
    }
  }

  /**
   * Training rows themselves (so values hit split thresholds exactly) plus random rows around them.
   */
  private static double[][] rows(double[][] training, int width, int extra, long seed) {
    Random random = new Random(seed);
    double[][] out = new double[training.length + extra][];
    System.arraycopy(training, 0, out, 0, training.length);
    for (int i = 0; i < extra; i++) {
      double[] base = training[random.nextInt(training.length)];
      double[] row = new double[width];
      for (int j = 0; j < width; j++) {
        row[j] = base[j] + random.nextGaussian() * (i % 3);
      }
      out[training.length + i] = row;
    }
    return out;
  }
}
