package io.modelship.format.onnx;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxMap;
import ai.onnxruntime.OnnxSequence;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.modelship.runtime.format.LoadedModel;
import io.modelship.runtime.format.ModelPackageException;
import io.modelship.runtime.format.ModelSpec;
import io.modelship.runtime.format.Predictions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * ONNX Runtime sessions serving one model. {@link OrtSession#run} is thread-safe, so request
 * threads share them; each call feeds the whole batch as one {@code [N, F]} float tensor. Small
 * requests run on a single-threaded session (Jetty's request threads already use the cores);
 * batches of at least {@link #BATCH_ROWS} rows, optionally, on a second session whose intra-op
 * threads split the batch across the cores, which a lone large batch would otherwise leave idle.
 */
final class OnnxModel implements LoadedModel {

  private final OrtEnvironment env;

  /** Rows from which a request runs on the batch session, when there is one. */
  static final int BATCH_ROWS = 64;

  private final OrtSession session;

  /** Closed once the compiled trees serve: nothing runs on it after the load's check. */
  private boolean sessionClosed;

  /** Set at load, before the model is handed out: the batch session, or null. */
  private OrtSession batchSession;

  /** Set at load when the graph compiled and agreed with ONNX Runtime: serves every request. */
  private OnnxTrees trees;

  /** Why the model is served by ONNX Runtime rather than compiled, for {@link #describe}. */
  private String servedBy = "ONNX Runtime";

  /**
   * What {@code package} records: the compiled trees' agreement ({@link PackagedCheck}), the label
   * rule ({@link BinaryLabels}).
   */
  private final Map<String, String> checks = new java.util.TreeMap<>();

  /**
   * Set at load for a binary tree ensemble whose label output disagrees with its probabilities
   * ({@link BinaryLabels}).
   */
  private boolean labelByProbability;

  private final OnnxSignature signature;
  private final List<String> labels;
  private final Set<String> outputs;

  /** Label output value (a String, or a Long for int64 labels) to its index in {@link #labels}. */
  private final Map<Object, Integer> labelIndex = new HashMap<>();

  /** ZipMap key of each label, in label order. */
  private final Object[] zipMapKeys;

  OnnxModel(OrtEnvironment env, OrtSession session, OnnxSignature signature, ModelSpec spec) {
    this.env = env;
    this.session = session;
    this.signature = signature;
    this.labels = spec.labels();
    this.outputs =
        signature.valueOutput() != null
            ? Set.of(signature.valueOutput())
            : new LinkedHashSet<>(List.of(signature.labelOutput(), signature.probabilityOutput()));
    this.zipMapKeys = new Object[labels.size()];
    for (int k = 0; k < labels.size(); k++) {
      if (signature.labelType() == OnnxJavaType.INT64) {
        labelIndex.put(asLong(labels.get(k), "label output is int64"), k);
      } else if (signature.labelType() != null) {
        labelIndex.put(labels.get(k), k);
      }
      if (signature.zipMap()) {
        zipMapKeys[k] =
            signature.zipMapKeyType() == OnnxJavaType.INT64
                ? asLong(labels.get(k), "probability maps are keyed by int64")
                : labels.get(k);
      }
    }
  }

  private Long asLong(String label, String why) {
    try {
      return Long.parseLong(label);
    } catch (NumberFormatException e) {
      throw new ModelPackageException(
          "labels disagree: the ONNX model's "
              + why
              + " but the package's label '"
              + label
              + "' is not an integer (labels "
              + labels
              + ")");
    }
  }

  @Override
  public String describe() {
    return "ONNX " + signature.summary() + ", served by " + servedBy;
  }

  void useBatchSession(OrtSession batch) {
    this.batchSession = batch;
  }

  /**
   * Serves every request with {@code compiled}, already checked against ONNX Runtime, and closes
   * ONNX Runtime's session: its copy of the graph and its arenas (tens of MiB) would only count
   * against the pod's memory limit.
   */
  void useCompiled(OnnxTrees compiled, Optional<String> check) {
    this.trees = compiled;
    check.ifPresent(c -> checks.put(PackagedCheck.KEY, c));
    this.servedBy =
        "the compiled tree ensemble ("
            + compiled
            + "; ONNX Runtime's session closed after the check)";
    closeSession();
  }

  /** The check {@code package} records: these compiled trees agree with ONNX Runtime. */
  @Override
  public Map<String, String> checks() {
    return Map.copyOf(checks);
  }

  /**
   * On how many of these rows ONNX Runtime's label output is not the class of its own highest
   * probability (rows whose two highest probabilities are within 1e-6 of each other do not count).
   */
  int labelDisagreements(double[][] rows) {
    Predictions p = run(session, rows);
    int disagreed = 0;
    for (int r = 0; r < p.size(); r++) {
      double[] probabilities = p.probabilities()[r];
      int top = highest(probabilities);
      if (probabilities[p.classIndex()[r]] < probabilities[top] - 1e-6) {
        disagreed++;
      }
    }
    return disagreed;
  }

  /**
   * Serves the class of the highest probability as the label, ignoring ONNX Runtime's label output
   * ({@link BinaryLabels}).
   */
  void labelByHighestProbability(String record) {
    labelByProbability = true;
    checks.put(BinaryLabels.KEY, record);
  }

  /**
   * The first index of the highest value, as numpy's argmax (and so scikit-learn's predict) takes
   * it.
   */
  static int highest(double[] p) {
    int top = 0;
    for (int k = 1; k < p.length; k++) {
      if (p[k] > p[top]) {
        top = k;
      }
    }
    return top;
  }

  /** Whether ONNX Runtime's session is still open (it is, unless the compiled trees serve). */
  boolean sessionOpen() {
    return !sessionClosed;
  }

  private void closeSession() {
    if (!sessionClosed) {
      sessionClosed = true;
      try {
        session.close();
      } catch (OrtException e) {
        // nothing runs on it any more; its memory is ONNX Runtime's to free
      }
    }
  }

  void servedByOnnxRuntimeBecause(String reason) {
    this.servedBy = "ONNX Runtime (not compiled: " + reason + ")";
  }

  boolean compiled() {
    return trees != null;
  }

  /**
   * ONNX Runtime's answer, whichever path serves requests: the reference the compiled path is
   * checked against.
   */
  Predictions predictWithOnnxRuntime(double[][] rows) {
    return run(session, rows);
  }

  /**
   * Runs one row of zeros and checks what comes back against the package's labels: the classes of a
   * ZipMap, the width of a probability tensor, the label output's vocabulary.
   */
  void checkLabels() {
    double[][] probe = {new double[signature.features()]};
    if (signature.valueOutput() != null) {
      predict(probe);
      return;
    }
    try (OnnxTensor input = tensor(probe);
        OrtSession.Result result = session.run(Map.of(signature.input(), input), outputs)) {
      if (signature.zipMap()) {
        OnnxSequence sequence =
            (OnnxSequence) result.get(signature.probabilityOutput()).orElseThrow();
        Map<?, ?> first = ((OnnxMap) sequence.getValue().getFirst()).getValue();
        Set<String> modelClasses = new TreeSet<>();
        first.keySet().forEach(key -> modelClasses.add(key.toString()));
        if (!modelClasses.equals(new TreeSet<>(labels))) {
          throw new ModelPackageException(
              "labels disagree: the ONNX model's classes are "
                  + modelClasses
                  + " but the package's labels are "
                  + labels);
        }
      } else {
        long[] shape =
            ((OnnxTensor) result.get(signature.probabilityOutput()).orElseThrow())
                .getInfo()
                .getShape();
        if (shape[1] != labels.size()) {
          throw new ModelPackageException(
              "labels disagree: the ONNX model gives "
                  + shape[1]
                  + " class probabilities but the package has "
                  + labels.size()
                  + " labels "
                  + labels);
        }
      }
      labelIndices(result, 1);
    } catch (OrtException e) {
      throw new ModelPackageException(
          "the ONNX model fails on a row of zeros: " + e.getMessage(), e);
    } catch (IllegalStateException e) {
      throw new ModelPackageException(e.getMessage(), e);
    }
  }

  @Override
  public Predictions predict(double[][] rows) {
    if (trees != null) {
      return trees.predict(rows);
    }
    return run(batchSession != null && rows.length >= BATCH_ROWS ? batchSession : session, rows);
  }

  private Predictions run(OrtSession runner, double[][] rows) {
    try (OnnxTensor input = tensor(rows);
        OrtSession.Result result = runner.run(Map.of(signature.input(), input), outputs)) {
      if (signature.valueOutput() != null) {
        return Predictions.values(
            values((OnnxTensor) result.get(signature.valueOutput()).orElseThrow(), rows.length));
      }
      double[][] probabilities =
          signature.zipMap()
              ? zipMapProbabilities(
                  (OnnxSequence) result.get(signature.probabilityOutput()).orElseThrow())
              : tensorProbabilities(
                  (OnnxTensor) result.get(signature.probabilityOutput()).orElseThrow(),
                  rows.length);
      int[] classes;
      if (labelByProbability) {
        classes = new int[rows.length];
        for (int r = 0; r < rows.length; r++) {
          classes[r] = highest(probabilities[r]);
        }
      } else {
        classes = labelIndices(result, rows.length);
      }
      return Predictions.classes(classes, probabilities);
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime failed to predict: " + e.getMessage(), e);
    }
  }

  private OnnxTensor tensor(double[][] rows) throws OrtException {
    int f = signature.features();
    FloatBuffer buffer =
        ByteBuffer.allocateDirect(rows.length * f * Float.BYTES)
            .order(ByteOrder.nativeOrder())
            .asFloatBuffer();
    for (double[] row : rows) {
      for (double v : row) {
        buffer.put((float) v);
      }
    }
    buffer.rewind();
    return OnnxTensor.createTensor(env, buffer, new long[] {rows.length, f});
  }

  private int[] labelIndices(OrtSession.Result result, int n) throws OrtException {
    OnnxTensor tensor = (OnnxTensor) result.get(signature.labelOutput()).orElseThrow();
    int[] out = new int[n];
    if (signature.labelType() == OnnxJavaType.INT64) {
      LongBuffer values = tensor.getLongBuffer();
      for (int i = 0; i < n; i++) {
        out[i] = index(values.get(i));
      }
    } else {
      Object value = tensor.getValue();
      String[] values = value instanceof String[][] matrix ? column(matrix) : (String[]) value;
      for (int i = 0; i < n; i++) {
        out[i] = index(values[i]);
      }
    }
    return out;
  }

  private static String[] column(String[][] matrix) {
    String[] out = new String[matrix.length];
    for (int i = 0; i < matrix.length; i++) {
      out[i] = matrix[i][0];
    }
    return out;
  }

  private int index(Object label) {
    Integer k = labelIndex.get(label);
    if (k == null) {
      throw new IllegalStateException(
          "labels disagree: the ONNX model predicted '"
              + label
              + "', which is not among the package's labels "
              + labels);
    }
    return k;
  }

  private double[][] tensorProbabilities(OnnxTensor tensor, int n) {
    int c = labels.size();
    FloatBuffer values = tensor.getFloatBuffer();
    if (values.remaining() != n * c) {
      throw new IllegalStateException(
          "labels disagree: the ONNX model gave "
              + values.remaining() / Math.max(1, n)
              + " probabilities per row for "
              + c
              + " labels "
              + labels);
    }
    double[][] out = new double[n][c];
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < c; k++) {
        out[i][k] = values.get(i * c + k);
      }
    }
    return out;
  }

  private double[][] zipMapProbabilities(OnnxSequence sequence) throws OrtException {
    List<? extends OnnxValue> maps = sequence.getValue();
    double[][] out = new double[maps.size()][labels.size()];
    for (int i = 0; i < out.length; i++) {
      Map<?, ?> map = ((OnnxMap) maps.get(i)).getValue();
      for (int k = 0; k < zipMapKeys.length; k++) {
        Object p = map.get(zipMapKeys[k]);
        if (p == null) {
          throw new IllegalStateException(
              "labels disagree: the ONNX model's probabilities have no class '"
                  + labels.get(k)
                  + "' (it has "
                  + map.keySet()
                  + ")");
        }
        out[i][k] = ((Number) p).doubleValue();
      }
    }
    return out;
  }

  private double[] values(OnnxTensor tensor, int n) {
    double[] out = new double[n];
    if (signature.valueType() == OnnxJavaType.DOUBLE) {
      var values = tensor.getDoubleBuffer();
      for (int i = 0; i < n; i++) {
        out[i] = values.get(i);
      }
    } else {
      FloatBuffer values = tensor.getFloatBuffer();
      for (int i = 0; i < n; i++) {
        out[i] = values.get(i);
      }
    }
    return out;
  }

  @Override
  public void close() {
    closeSession();
    try {
      if (batchSession != null) {
        batchSession.close();
      }
    } catch (OrtException e) {
      // closing at shutdown: nothing left to do with the failure
    }
  }
}
