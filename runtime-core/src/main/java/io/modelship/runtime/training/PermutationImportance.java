package io.modelship.runtime.training;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Permutation feature importance (Breiman 2001; scikit-learn's {@code permutation_importance}):
 * shuffle one feature's column, predict again, and see how much worse the model scores. It needs
 * only predictions, so it measures any model — a Smile forest at {@code train}, an ONNX export at
 * {@code package} — on the same rows its package reports its accuracy or error on.
 *
 * <p>Importance of feature j = baseline score − mean score over {@code repeats} shuffles of column
 * j, where the score is accuracy for a classifier and −MAE for a regressor: the accuracy lost, or
 * the MAE gained. Near zero: the model does not use the feature; negative: shuffling helped by
 * chance. At most {@link #MAX_ROWS} rows are used (a seeded sample), so a big CSV costs bounded
 * time.
 */
public final class PermutationImportance {

  public static final int REPEATS = 3;
  public static final int MAX_ROWS = 2000;

  private final long seed;
  private final int repeats;

  public PermutationImportance(long seed, int repeats) {
    if (repeats < 1) {
      throw new IllegalArgumentException("repeats must be at least 1, got " + repeats);
    }
    this.seed = seed;
    this.repeats = repeats;
  }

  /**
   * The default: {@link #REPEATS} shuffles per feature, seed 42 (the same rows give the same
   * numbers).
   */
  public static PermutationImportance standard() {
    return new PermutationImportance(42, REPEATS);
  }

  /** Accuracy lost per feature; {@code predict} returns class indices in {@code truth}'s coding. */
  public Map<String, Double> classification(
      List<String> features, double[][] rows, int[] truth, Function<double[][], int[]> predict) {
    int[] sample = sample(rows.length);
    double[][] x = pick(rows, sample);
    int[] y = new int[sample.length];
    for (int i = 0; i < sample.length; i++) {
      y[i] = truth[sample[i]];
    }
    return measure(features, x, batch -> ReferenceProfile.accuracy(y, predict.apply(batch)));
  }

  /** MAE gained per feature; {@code predict} returns the predicted values. */
  public Map<String, Double> regression(
      List<String> features,
      double[][] rows,
      double[] truth,
      Function<double[][], double[]> predict) {
    int[] sample = sample(rows.length);
    double[][] x = pick(rows, sample);
    double[] y = new double[sample.length];
    for (int i = 0; i < sample.length; i++) {
      y[i] = truth[sample[i]];
    }
    return measure(features, x, batch -> -ReferenceProfile.mae(y, predict.apply(batch)));
  }

  private Map<String, Double> measure(
      List<String> features, double[][] x, Function<double[][], Double> score) {
    if (x.length == 0) {
      throw new IllegalArgumentException("permutation importance needs at least one row");
    }
    if (x[0].length != features.size()) {
      throw new IllegalArgumentException(
          "rows have "
              + x[0].length
              + " values but there are "
              + features.size()
              + " feature names");
    }
    double baseline = score.apply(x);
    SplittableRandom random = new SplittableRandom(seed);
    double[][] shuffled = new double[x.length][];
    for (int i = 0; i < x.length; i++) {
      shuffled[i] = x[i].clone();
    }
    Map<String, Double> importance = new LinkedHashMap<>();
    for (int j = 0; j < features.size(); j++) {
      double[] column = new double[x.length];
      for (int i = 0; i < x.length; i++) {
        column[i] = x[i][j];
      }
      double sum = 0;
      for (int r = 0; r < repeats; r++) {
        shuffle(column, random);
        for (int i = 0; i < x.length; i++) {
          shuffled[i][j] = column[i];
        }
        sum += baseline - score.apply(shuffled);
      }
      for (int i = 0; i < x.length; i++) {
        shuffled[i][j] = x[i][j];
      }
      importance.put(features.get(j), round(sum / repeats));
    }
    return importance;
  }

  /** Row indices to use: all of them up to MAX_ROWS, else a seeded sample without repeats. */
  private int[] sample(int n) {
    int[] all = new int[n];
    for (int i = 0; i < n; i++) {
      all[i] = i;
    }
    if (n <= MAX_ROWS) {
      return all;
    }
    SplittableRandom random = new SplittableRandom(seed ^ 0x5DEECE66DL);
    for (int i = 0; i < MAX_ROWS; i++) {
      int k = i + random.nextInt(n - i);
      int t = all[i];
      all[i] = all[k];
      all[k] = t;
    }
    return java.util.Arrays.copyOf(all, MAX_ROWS);
  }

  private static double[][] pick(double[][] rows, int[] sample) {
    double[][] x = new double[sample.length][];
    for (int i = 0; i < sample.length; i++) {
      x[i] = rows[sample[i]];
    }
    return x;
  }

  private static void shuffle(double[] values, SplittableRandom random) {
    for (int i = values.length - 1; i > 0; i--) {
      int k = random.nextInt(i + 1);
      double t = values[i];
      values[i] = values[k];
      values[k] = t;
    }
  }

  /** Six significant decimals are plenty for a bar chart and keep model.json readable. */
  private static double round(double value) {
    return Math.round(value * 1e6) / 1e6;
  }
}
