package io.modelship.runtime.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Permutation importance: what it measures. That train and package record it in model.json, for a
 * Smile and an ONNX model, is serving-runtime's PackagedImportanceTest.
 */
class PermutationImportanceTest {

  /** 100 rows: feature a decides the class (a >= 50), b is noise the model ignores. */
  static final double[][] ROWS = new double[100][];

  static final int[] TRUTH = new int[100];

  static {
    for (int i = 0; i < 100; i++) {
      ROWS[i] = new double[] {i, (i * 37) % 100};
      TRUTH[i] = i >= 50 ? 1 : 0;
    }
  }

  static int[] threshold(double[][] rows) {
    int[] out = new int[rows.length];
    for (int i = 0; i < rows.length; i++) {
      out[i] = rows[i][0] >= 50 ? 1 : 0;
    }
    return out;
  }

  @Test
  void aFeatureTheModelIgnoresHasNoImportanceAndTheOneItUsesLosesAboutHalfItsAccuracy() {
    Map<String, Double> importance =
        PermutationImportance.standard()
            .classification(List.of("a", "b"), ROWS, TRUTH, PermutationImportanceTest::threshold);

    assertThat(importance).containsOnlyKeys("a", "b");
    assertThat(importance.get("b")).isZero();
    // Shuffled, a guesses each row's class right about half the time: accuracy 1.0 -> ~0.5.
    assertThat(importance.get("a")).isCloseTo(0.5, within(0.15));
  }

  @Test
  void forARegressorItIsTheMaeGained() {
    double[] truth = new double[100];
    for (int i = 0; i < 100; i++) {
      truth[i] = 2 * ROWS[i][0];
    }
    Map<String, Double> importance =
        PermutationImportance.standard()
            .regression(
                List.of("a", "b"),
                ROWS,
                truth,
                rows -> java.util.Arrays.stream(rows).mapToDouble(r -> 2 * r[0]).toArray());

    assertThat(importance.get("b")).isZero();
    // |2a - 2a'| for a random pairing of 0..99: mean about 2 * 33.3.
    assertThat(importance.get("a")).isCloseTo(66.7, within(12.0));
  }

  @Test
  void theSameRowsAndSeedGiveTheSameNumbers() {
    var first =
        PermutationImportance.standard()
            .classification(List.of("a", "b"), ROWS, TRUTH, PermutationImportanceTest::threshold);
    var second =
        PermutationImportance.standard()
            .classification(List.of("a", "b"), ROWS, TRUTH, PermutationImportanceTest::threshold);

    assertThat(second).isEqualTo(first);
  }
}
