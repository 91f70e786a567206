package io.modelship.runtime.training;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;

/**
 * A reproducible binary classification data set in the spirit of scikit-learn's {@code
 * make_classification}: a few informative features decide the class through a noisy linear score,
 * the rest are noise. The concept (which features matter, and how) depends only on the number of
 * features, so files written with different seeds are fresh samples of the same problem (a training
 * and a test set); the same seed always gives the same file.
 */
public final class SyntheticClassification {

  public static final String LABEL_COLUMN = "label";

  private SyntheticClassification() {}

  /**
   * Writes {@code rows} rows of {@code features} columns {@code f0…} plus {@code label} (0 or 1).
   */
  public static void write(Path out, int rows, int features, long seed) throws IOException {
    if (rows < 1 || features < 1) {
      throw new IllegalArgumentException("rows and features must be at least 1");
    }
    Random concept = new Random(1_000_003L * features);
    int informative = Math.max(1, Math.min(features, (features + 1) / 2));
    double[] weights = new double[informative];
    for (int j = 0; j < informative; j++) {
      weights[j] = concept.nextGaussian();
    }
    Random random = new Random(seed);
    if (out.getParent() != null) {
      Files.createDirectories(out.getParent());
    }
    try (BufferedWriter writer = Files.newBufferedWriter(out)) {
      for (int j = 0; j < features; j++) {
        writer.write("f" + j + ",");
      }
      writer.write(LABEL_COLUMN);
      writer.newLine();
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < rows; i++) {
        line.setLength(0);
        double score = 0;
        for (int j = 0; j < features; j++) {
          double x = random.nextGaussian() * (1 + j % 3) + (j % 5) - 2;
          if (j < informative) {
            // centred on the feature's mean so the two classes come out balanced
            score += weights[j] * (x - (j % 5 - 2));
          }
          line.append(String.format(Locale.ROOT, "%.5f", x)).append(',');
        }
        score += random.nextGaussian() * 0.5;
        line.append(score > 0 ? 1 : 0);
        writer.write(line.toString());
        writer.newLine();
      }
    }
  }
}
