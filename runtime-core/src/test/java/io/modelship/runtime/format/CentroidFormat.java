package io.modelship.runtime.format;

import io.modelship.runtime.model.ModelPackage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A test-only model format: a nearest-centroid classifier whose artifact is a JSON file of one mean
 * row per label. Registered for runtime-core's tests through the same {@code
 * META-INF/services/io.modelship.runtime.format.ModelFormat} the real formats use, so the runtime
 * verifies, loads and serves its packages like any other; predictions are deterministic (the
 * nearest centroid wins, probabilities fall with the squared distance).
 */
public final class CentroidFormat implements ModelFormat {

  public static final String NAME = "centroid";
  public static final String ARTIFACT_FILE = "model.centroids.json";

  /** What the artifact holds: features in input order and one centroid per label. */
  public record Centroids(List<String> features, List<String> labels, double[][] means) {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String artifactFile() {
    return ARTIFACT_FILE;
  }

  @Override
  public LoadedModel load(Path artifact, ModelSpec spec) {
    Centroids c;
    try {
      c = ModelPackage.json().readValue(artifact.toFile(), Centroids.class);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + artifact, e);
    }
    if (spec.task() != Task.CLASSIFICATION) {
      throw new ModelPackageException("centroid: classification only, not " + spec.task());
    }
    if (!c.features().equals(spec.featureNames()) || !c.labels().equals(spec.labels())) {
      throw new ModelPackageException(
          "centroid: the artifact has features "
              + c.features()
              + " and labels "
              + c.labels()
              + ", model.json says "
              + spec.featureNames()
              + " and "
              + spec.labels());
    }
    String what =
        "NearestCentroid: double[N,"
            + spec.featureCount()
            + "] -> class[N], probabilities[N,"
            + c.labels().size()
            + "]";
    return new LoadedModel() {
      @Override
      public String describe() {
        return what;
      }

      @Override
      public Predictions predict(double[][] rows) {
        int[] k = new int[rows.length];
        double[][] p = new double[rows.length][];
        for (int i = 0; i < rows.length; i++) {
          p[i] = probabilities(c.means(), rows[i]);
          k[i] = argmax(p[i]);
        }
        return Predictions.classes(k, p);
      }
    };
  }

  /** Each label's weight is {@code 1 / (1 + squared distance)}, normalised to sum to 1. */
  public static double[] probabilities(double[][] means, double[] row) {
    double[] p = new double[means.length];
    double sum = 0;
    for (int k = 0; k < means.length; k++) {
      double d = 0;
      for (int j = 0; j < row.length; j++) {
        double diff = row[j] - means[k][j];
        d += diff * diff;
      }
      p[k] = 1 / (1 + d);
      sum += p[k];
    }
    for (int k = 0; k < p.length; k++) {
      p[k] /= sum;
    }
    return p;
  }

  public static int argmax(double[] p) {
    int best = 0;
    for (int k = 1; k < p.length; k++) {
      if (p[k] > p[best]) {
        best = k;
      }
    }
    return best;
  }
}
