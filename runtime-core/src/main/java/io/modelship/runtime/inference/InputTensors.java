package io.modelship.runtime.inference;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rows of an Open Inference Protocol request, whichever wire it came over (REST's JSON or
 * gRPC's protobuf, each of which reads its own encoding into {@link Tensor}s): one {@code [rows,
 * features]} (or {@code [features]}) tensor, or one {@code [rows]} tensor per feature named after
 * it.
 */
public final class InputTensors {

  /** A numeric input tensor, its data flattened row-major and already checked against its shape. */
  public record Tensor(String name, long[] shape, double[] values) {}

  private InputTensors() {}

  /** Whether a request of these inputs sends one whole-row tensor (not one tensor per feature). */
  public static boolean wholeRows(FeatureRows features, int inputs, String firstName) {
    return inputs == 1 && !features.names().contains(firstName);
  }

  public static double[][] rows(FeatureRows features, List<Tensor> tensors) {
    if (wholeRows(features, tensors.size(), tensors.get(0).name())) {
      return wholeRows(features, tensors.get(0));
    }
    return perFeature(features, tensors);
  }

  private static double[][] wholeRows(FeatureRows features, Tensor t) {
    int width = features.width();
    int n;
    if (t.shape().length == 1 && t.shape()[0] == width) {
      n = 1;
    } else if (t.shape().length == 2 && t.shape()[1] == width) {
      n = (int) t.shape()[0];
    } else {
      throw RequestException.badInput(
          "input '"
              + t.name()
              + "' has shape "
              + Arrays.toString(t.shape())
              + " but the model takes [rows, "
              + width
              + "]");
    }
    features.checkBatchSize(n, "input '" + t.name() + "'");
    double[][] rows = new double[n][width];
    for (int i = 0; i < n; i++) {
      System.arraycopy(t.values(), i * width, rows[i], 0, width);
    }
    return rows;
  }

  private static double[][] perFeature(FeatureRows features, List<Tensor> tensors) {
    Map<String, Tensor> byName = new LinkedHashMap<>();
    for (Tensor t : tensors) {
      if (!features.names().contains(t.name())) {
        throw RequestException.badInput(
            "input '"
                + t.name()
                + "' is not a feature of this model; send one tensor"
                + " [rows, "
                + features.width()
                + "] or one tensor per feature "
                + features.names());
      }
      if (t.shape().length > 2 || t.shape().length == 2 && t.shape()[1] != 1) {
        throw RequestException.badInput(
            "per-feature input '" + t.name() + "' must have shape [rows] or [rows, 1]");
      }
      byName.put(t.name(), t);
    }
    List<String> missing = features.names().stream().filter(n -> !byName.containsKey(n)).toList();
    if (!missing.isEmpty()) {
      throw RequestException.badInput("inputs are missing feature(s) " + missing);
    }
    int n = byName.values().iterator().next().values().length;
    features.checkBatchSize(n, "inputs");
    double[][] rows = new double[n][features.width()];
    for (int j = 0; j < features.width(); j++) {
      Tensor t = byName.get(features.names().get(j));
      if (t.values().length != n) {
        throw RequestException.badInput(
            "input '" + t.name() + "' has " + t.values().length + " rows but others have " + n);
      }
      for (int i = 0; i < n; i++) {
        rows[i][j] = t.values()[i];
      }
    }
    return rows;
  }
}
