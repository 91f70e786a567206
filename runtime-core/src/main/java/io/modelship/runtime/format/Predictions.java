package io.modelship.runtime.format;

/**
 * A batch's outcome in primitive arrays, one entry per row: for a classifier the predicted label's
 * index and the probabilities in label order; for a regressor the predicted value.
 */
public record Predictions(int[] classIndex, double[][] probabilities, double[] values) {

  public static Predictions classes(int[] classIndex, double[][] probabilities) {
    return new Predictions(classIndex, probabilities, null);
  }

  public static Predictions values(double[] values) {
    return new Predictions(null, null, values);
  }

  public int size() {
    return values != null ? values.length : classIndex.length;
  }
}
