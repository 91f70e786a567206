package io.modelship.runtime.training;

import io.modelship.drift.ReferenceBins;
import io.modelship.runtime.model.ModelManifest;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * What a package records about the data its model was fitted on or validated with: feature ranges,
 * reference distributions of every feature and of the predictions (the baseline drift compares
 * against), and the baseline accuracy or error. {@code train} and {@code package} both use it, so a
 * Smile package and a wrapped ONNX model are monitored alike.
 */
public final class ReferenceProfile {

  /** Bins per feature and for regression predictions (deciles of the data). */
  public static final int REFERENCE_BINS = 10;

  private ReferenceProfile() {}

  public static List<ModelManifest.Feature> features(LabeledTable table) {
    return IntStream.range(0, table.featureNames().size())
        .mapToObj(
            j -> {
              double[] column = table.column(j);
              return new ModelManifest.Feature(
                  table.featureNames().get(j),
                  "double",
                  Arrays.stream(column).min().orElseThrow(),
                  Arrays.stream(column).max().orElseThrow());
            })
        .toList();
  }

  /** Decile bins of every feature and the share of each predicted class. */
  public static ModelManifest.Reference classification(
      LabeledTable table, int[] predicted, List<String> labels) {
    double[] counts = new double[labels.size()];
    for (int k : predicted) {
      counts[k]++;
    }
    Map<String, Double> predictions = new LinkedHashMap<>();
    for (int k = 0; k < labels.size(); k++) {
      predictions.put(labels.get(k), counts[k] / predicted.length);
    }
    return new ModelManifest.Reference(featureBins(table), predictions, null);
  }

  /** Decile bins of every feature and of the predicted values. */
  public static ModelManifest.Reference regression(LabeledTable table, double[] predicted) {
    ReferenceBins bins = ReferenceBins.fromSample(predicted, REFERENCE_BINS);
    return new ModelManifest.Reference(
        featureBins(table), null, new ModelManifest.Bins(bins.edges(), bins.fractions()));
  }

  private static Map<String, ModelManifest.Bins> featureBins(LabeledTable table) {
    Map<String, ModelManifest.Bins> features = new LinkedHashMap<>();
    for (int j = 0; j < table.featureNames().size(); j++) {
      ReferenceBins bins = ReferenceBins.fromSample(table.column(j), REFERENCE_BINS);
      features.put(
          table.featureNames().get(j), new ModelManifest.Bins(bins.edges(), bins.fractions()));
    }
    return features;
  }

  public static double accuracy(int[] truth, int[] predicted) {
    int correct = 0;
    for (int i = 0; i < truth.length; i++) {
      correct += truth[i] == predicted[i] ? 1 : 0;
    }
    return (double) correct / truth.length;
  }

  /** F1 of the second label (index 1), the conventional positive class of a binary problem. */
  public static double f1(int[] truth, int[] predicted) {
    int tp = 0;
    int fp = 0;
    int fn = 0;
    for (int i = 0; i < truth.length; i++) {
      if (predicted[i] == 1 && truth[i] == 1) {
        tp++;
      } else if (predicted[i] == 1) {
        fp++;
      } else if (truth[i] == 1) {
        fn++;
      }
    }
    return tp == 0 ? 0.0 : 2.0 * tp / (2.0 * tp + fp + fn);
  }

  public static double mae(double[] truth, double[] predicted) {
    double sum = 0;
    for (int i = 0; i < truth.length; i++) {
      sum += Math.abs(truth[i] - predicted[i]);
    }
    return sum / truth.length;
  }

  public static double rmse(double[] truth, double[] predicted) {
    double sum = 0;
    for (int i = 0; i < truth.length; i++) {
      double e = truth[i] - predicted[i];
      sum += e * e;
    }
    return Math.sqrt(sum / truth.length);
  }
}
