package io.modelship.format.onnx;

import io.modelship.runtime.forest.FlatForest;
import io.modelship.runtime.format.ModelSpec;
import io.modelship.runtime.format.Predictions;
import io.modelship.runtime.format.Task;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An ONNX graph that is a single {@code ai.onnx.ml} {@code TreeEnsembleClassifier} or {@code
 * TreeEnsembleRegressor}, compiled into runtime-core's {@link FlatForest} and evaluated in Java (as
 * Treelite and lleaves compile tree ensembles), which is several times faster than ONNX Runtime's
 * tree kernel on a batch and saves the JNI round trip on one row.
 *
 * <p>Supported exactly: branch modes {@code BRANCH_LEQ}, {@code BRANCH_LT}, {@code BRANCH_GTE},
 * {@code BRANCH_GT} (the input is float, so {@code x < t} is {@code x <= nextDown(t)}; GT and GTE
 * swap the children); {@code post_transform} {@code NONE}; no base values for a classifier, one for
 * a regressor; one target, {@code SUM} or {@code AVERAGE}; for a classifier either one score per
 * class at every leaf (label = first highest score; for two classes that is scikit-learn's label,
 * which ONNX Runtime's differs from: see {@link BinaryLabels}) or scikit-learn's binary form (one
 * non-negative score, class 1's probability p: probabilities [1 - p, p], label 1 when p &gt; 0.5),
 * as ONNX Runtime computes them. Anything else — other modes, transforms, {@code *_as_tensor}
 * attributes, more nodes in the graph (a ZipMap, a scaler) — stays with ONNX Runtime, and {@link
 * #compile} says why. Rows are rounded to float first, as ONNX Runtime's float input is; scores are
 * summed in double (ONNX Runtime sums in float, scikit-learn in double).
 */
final class OnnxTrees {

  private static final String ML = "ai.onnx.ml";

  private final FlatForest forest;
  private final Task task;
  private final int classes;

  /** Binary classifier scored by one value: class 1's probability. */
  private final boolean binary;

  /** For a classifier: package label index of ONNX class id j. */
  private final int[] labelOfClass;

  private final double divisor;
  private final double base;

  /** Per feature, the thresholds the trees split it on. */
  private float[][] splits;

  /** The ensemble node's input and outputs, which must be the graph's as ONNX Runtime reads it. */
  private List<String> reads;

  private List<String> writes;

  private OnnxTrees(
      FlatForest forest,
      Task task,
      int classes,
      boolean binary,
      int[] labelOfClass,
      double divisor,
      double base) {
    this.forest = forest;
    this.task = task;
    this.classes = classes;
    this.binary = binary;
    this.labelOfClass = labelOfClass;
    this.divisor = divisor;
    this.base = base;
  }

  /** The outcome of {@link #compile}: the trees, or why the model stays with ONNX Runtime. */
  record Compiled(OnnxTrees trees, String reason) {}

  static Compiled compile(byte[] model, OnnxSignature signature, ModelSpec spec) {
    OnnxProto.Graph graph;
    try {
      graph = OnnxProto.graph(model);
    } catch (RuntimeException e) {
      return new Compiled(null, "cannot read its graph: " + e);
    }
    Compiled built = build(graph, spec);
    String mismatch = built.trees() == null ? built.reason() : built.trees().mismatch(signature);
    return mismatch == null ? built : new Compiled(null, mismatch);
  }

  /**
   * The ensemble of a graph, built from the graph and the package alone, so that it can be built
   * while ONNX Runtime starts; {@link #mismatch} then holds it to ONNX Runtime's reading of the
   * graph's input and outputs.
   */
  static Compiled build(OnnxProto.Graph graph, ModelSpec spec) {
    try {
      OnnxTrees trees = ensemble(graph, spec);
      trees.splits = splits(graph.nodes().getFirst().attributes(), spec.featureCount());
      return new Compiled(trees, null);
    } catch (Unsupported e) {
      return new Compiled(null, e.getMessage());
    } catch (RuntimeException e) {
      return new Compiled(null, "cannot read its graph: " + e);
    }
  }

  /**
   * Why these trees do not read and write what ONNX Runtime says the graph does, or null when they
   * do.
   */
  String mismatch(OnnxSignature signature) {
    if (!reads.equals(List.of(signature.input()))) {
      return "the tree ensemble reads " + reads + ", not the graph input";
    }
    boolean outputs =
        task == Task.CLASSIFICATION
            ? writes.equals(List.of(signature.labelOutput(), signature.probabilityOutput()))
                && !signature.zipMap()
            : writes.equals(List.of(signature.valueOutput()));
    return outputs
        ? null
        : "the ensemble's outputs "
            + writes
            + (task == Task.CLASSIFICATION
                ? " are not the graph's label and probability tensor"
                : " are not the graph's output");
  }

  private static OnnxTrees ensemble(OnnxProto.Graph graph, ModelSpec spec) throws Unsupported {
    if (graph.nodes().size() != 1) {
      throw new Unsupported(
          "the graph has "
              + graph.nodes().size()
              + " nodes ("
              + graph.nodes().stream().map(OnnxProto.Node::opType).toList()
              + "); only a lone tree ensemble is compiled");
    }
    OnnxProto.Node node = graph.nodes().getFirst();
    boolean classifier = node.opType().equals("TreeEnsembleClassifier");
    if (!node.domain().equals(ML)
        || !(classifier || node.opType().equals("TreeEnsembleRegressor"))) {
      throw new Unsupported(
          "its node is "
              + node.domain()
              + "."
              + node.opType()
              + ", not a TreeEnsembleClassifier or TreeEnsembleRegressor");
    }
    if (classifier != (spec.task() == Task.CLASSIFICATION)) {
      throw new Unsupported(node.opType() + " for a " + spec.task() + " package");
    }
    Map<String, OnnxProto.Attribute> a = node.attributes();
    for (OnnxProto.Attribute attribute : a.values()) {
      if (attribute.tensor()) {
        throw new Unsupported("attribute " + attribute.name() + " is a tensor");
      }
    }
    String transform = string(a, "post_transform", "NONE");
    if (!transform.equals("NONE")) {
      throw new Unsupported("post_transform " + transform + " (only NONE is compiled)");
    }
    OnnxTrees trees = classifier ? classifier(a, spec) : regressor(a, spec);
    trees.reads = List.copyOf(node.inputs());
    trees.writes = List.copyOf(node.outputs());
    return trees;
  }

  private static OnnxTrees classifier(Map<String, OnnxProto.Attribute> a, ModelSpec spec)
      throws Unsupported {
    for (float v : floats(a, "base_values")) {
      if (v != 0f) {
        throw new Unsupported("base_values are set");
      }
    }
    List<String> classLabels = new ArrayList<>(strings(a, "classlabels_strings"));
    for (long v : ints(a, "classlabels_int64s")) {
      classLabels.add(Long.toString(v));
    }
    int c = classLabels.size();
    if (c != spec.labels().size() || c < 2) {
      throw new Unsupported(c + " class labels for " + spec.labels().size() + " package labels");
    }
    int[] labelOfClass = new int[c];
    for (int j = 0; j < c; j++) {
      labelOfClass[j] = spec.labels().indexOf(classLabels.get(j));
      if (labelOfClass[j] < 0) {
        throw new Unsupported("class label '" + classLabels.get(j) + "' is not a package label");
      }
    }
    long[] treeIds = ints(a, "class_treeids");
    long[] nodeIds = ints(a, "class_nodeids");
    long[] classIds = ints(a, "class_ids");
    float[] weights = floats(a, "class_weights");
    sameSize("class_", treeIds.length, nodeIds.length, classIds.length, weights.length);
    boolean binary = c == 2;
    for (int i = 0; i < classIds.length; i++) {
      binary &= classIds[i] == 0;
      if (classIds[i] < 0 || classIds[i] >= c) {
        throw new Unsupported("class ids outside 0.." + (c - 1));
      }
    }
    if (binary) {
      for (float w : weights) {
        if (w < 0f) {
          throw new Unsupported("a binary ensemble with negative class weights");
        }
      }
    }
    int width = binary ? 1 : c;
    Nodes nodes = new Nodes(a, spec.featureCount());
    double[] leafValues = new double[nodes.size() * width];
    boolean[] scored = new boolean[nodes.size() * width];
    for (int i = 0; i < treeIds.length; i++) {
      int at = nodes.position(treeIds[i], nodeIds[i]);
      int k = binary ? 0 : (int) classIds[i];
      leafValues[at * width + k] += weights[i];
      if (!binary && scored[at * width + k]) {
        throw new Unsupported(
            "tree " + treeIds[i] + " leaf " + nodeIds[i] + " scores class " + k + " twice");
      }
      scored[at * width + k] = true;
    }
    if (!binary) {
      for (int at = 0; at < nodes.size(); at++) {
        if (nodes.leaf(at)) {
          for (int k = 0; k < width; k++) {
            if (!scored[at * width + k]) {
              throw new Unsupported("a leaf does not score class " + k + " of " + c);
            }
          }
        }
      }
    }
    FlatForest forest = nodes.forest(leafValues, width);
    return new OnnxTrees(forest, Task.CLASSIFICATION, c, binary, labelOfClass, 1, 0);
  }

  private static OnnxTrees regressor(Map<String, OnnxProto.Attribute> a, ModelSpec spec)
      throws Unsupported {
    long[] targetCount = ints(a, "n_targets");
    long targets = targetCount.length == 0 ? 1 : targetCount[0];
    if (targets != 1) {
      throw new Unsupported(targets + " targets");
    }
    String aggregate = string(a, "aggregate_function", "SUM");
    if (!aggregate.equals("SUM") && !aggregate.equals("AVERAGE")) {
      throw new Unsupported("aggregate_function " + aggregate + " (SUM and AVERAGE are compiled)");
    }
    float[] baseValues = floats(a, "base_values");
    if (baseValues.length > 1) {
      throw new Unsupported(baseValues.length + " base_values for one target");
    }
    long[] treeIds = ints(a, "target_treeids");
    long[] nodeIds = ints(a, "target_nodeids");
    long[] targetIds = ints(a, "target_ids");
    float[] weights = floats(a, "target_weights");
    sameSize("target_", treeIds.length, nodeIds.length, targetIds.length, weights.length);
    Nodes nodes = new Nodes(a, spec.featureCount());
    double[] leafValues = new double[nodes.size()];
    for (int i = 0; i < treeIds.length; i++) {
      if (targetIds[i] != 0) {
        throw new Unsupported("target ids other than 0");
      }
      leafValues[nodes.position(treeIds[i], nodeIds[i])] += weights[i];
    }
    FlatForest forest = nodes.forest(leafValues, 1);
    double divisor = aggregate.equals("AVERAGE") ? forest.trees() : 1;
    double base = baseValues.length == 0 ? 0 : baseValues[0];
    return new OnnxTrees(forest, Task.REGRESSION, 0, false, null, divisor, base);
  }

  /**
   * The {@code nodes_*} attributes with every (tree id, node id) resolved to its position.
   * Exporters write each tree's node ids 0..k-1 in order, so a position is the tree's first
   * position plus the node id; anything else goes through a map.
   */
  private static final class Nodes {
    private final long[] treeIds;
    private final long[] nodeIds;
    private final long[] featureIds;
    private final List<String> modes;
    private final float[] values;
    private final long[] trueIds;
    private final long[] falseIds;
    private final int features;

    /** Tree id to its first position, in order of appearance. */
    private final Map<Long, Integer> treeStart = new LinkedHashMap<>();

    private final Map<Long, Integer> treeSize = new HashMap<>();

    /** (tree, node) to position, only when some tree's ids are not 0..k-1 in order. */
    private Map<Long, Map<Long, Integer>> byId;

    Nodes(Map<String, OnnxProto.Attribute> a, int features) throws Unsupported {
      treeIds = ints(a, "nodes_treeids");
      nodeIds = ints(a, "nodes_nodeids");
      featureIds = ints(a, "nodes_featureids");
      modes = strings(a, "nodes_modes");
      values = floats(a, "nodes_values");
      trueIds = ints(a, "nodes_truenodeids");
      falseIds = ints(a, "nodes_falsenodeids");
      this.features = features;
      sameSize(
          "nodes_",
          treeIds.length,
          nodeIds.length,
          featureIds.length,
          modes.size(),
          values.length,
          trueIds.length,
          falseIds.length);
      if (treeIds.length == 0) {
        throw new Unsupported("no nodes");
      }
      boolean ordered = true;
      for (int i = 0; i < treeIds.length; i++) {
        Integer start = treeStart.putIfAbsent(treeIds[i], i);
        int first = start == null ? i : start;
        ordered &=
            nodeIds[i] == i - first && (i == 0 || treeIds[i] == treeIds[i - 1] || start == null);
        treeSize.merge(treeIds[i], 1, Integer::sum);
      }
      if (!ordered) {
        byId = new HashMap<>();
        for (int i = 0; i < treeIds.length; i++) {
          if (byId.computeIfAbsent(treeIds[i], k -> new HashMap<>()).put(nodeIds[i], i) != null) {
            throw new Unsupported("tree " + treeIds[i] + " repeats node " + nodeIds[i]);
          }
        }
      }
    }

    int size() {
      return treeIds.length;
    }

    boolean leaf(int at) {
      return modes.get(at).equals("LEAF");
    }

    int position(long tree, long node) throws Unsupported {
      Integer at = null;
      if (byId != null) {
        Map<Long, Integer> ids = byId.get(tree);
        at = ids == null ? null : ids.get(node);
      } else {
        Integer start = treeStart.get(tree);
        if (start != null && node >= 0 && node < treeSize.get(tree)) {
          at = start + (int) node;
        }
      }
      if (at == null) {
        throw new Unsupported("tree " + tree + " refers to a missing node " + node);
      }
      return at;
    }

    /** The trees in order of their first node, each laid out in pre-order. */
    FlatForest forest(double[] leafValues, int width) throws Unsupported {
      boolean[] child = new boolean[size()];
      int[] truePos = new int[size()];
      int[] falsePos = new int[size()];
      for (int i = 0; i < size(); i++) {
        if (!leaf(i)) {
          truePos[i] = position(treeIds[i], trueIds[i]);
          falsePos[i] = position(treeIds[i], falseIds[i]);
          child[truePos[i]] = true;
          child[falsePos[i]] = true;
        }
      }
      Map<Long, Integer> roots = new LinkedHashMap<>();
      for (Long tree : treeStart.keySet()) {
        roots.put(tree, -1);
      }
      for (int i = 0; i < size(); i++) {
        if (!child[i] && roots.put(treeIds[i], i) != -1) {
          throw new Unsupported("tree " + treeIds[i] + " has more than one root");
        }
      }
      FlatForest.Builder builder = new FlatForest.Builder(width);
      double[] leaf = new double[width];
      for (Map.Entry<Long, Integer> root : roots.entrySet()) {
        if (root.getValue() < 0) {
          throw new Unsupported("tree " + root.getKey() + " has no root");
        }
        builder.tree(add(builder, root.getValue(), 0, truePos, falsePos, leafValues, leaf), 1.0);
      }
      return builder.build();
    }

    private static final int MAX_DEPTH = 512;

    /**
     * Adds the subtree at position {@code at} in pre-order, turning every branch mode into {@code x
     * <= t}.
     */
    private int add(
        FlatForest.Builder builder,
        int at,
        int depth,
        int[] truePos,
        int[] falsePos,
        double[] leafValues,
        double[] leaf)
        throws Unsupported {
      if (depth > MAX_DEPTH) {
        throw new Unsupported(
            "tree " + treeIds[at] + " is deeper than " + MAX_DEPTH + " (or has a cycle)");
      }
      String mode = modes.get(at);
      if (mode.equals("LEAF")) {
        System.arraycopy(leafValues, at * leaf.length, leaf, 0, leaf.length);
        return builder.leaf(leaf);
      }
      long feature = featureIds[at];
      if (feature < 0 || feature >= features) {
        throw new Unsupported(
            "tree " + treeIds[at] + " splits on feature " + feature + " of " + features);
      }
      float t = values[at];
      if (Float.isNaN(t)) {
        throw new Unsupported("tree " + treeIds[at] + " has a NaN threshold");
      }
      boolean trueGoesLeft;
      float leq;
      switch (mode) {
        case "BRANCH_LEQ" -> {
          leq = t;
          trueGoesLeft = true;
        }
        case "BRANCH_LT" -> {
          leq = Math.nextDown(t);
          trueGoesLeft = true;
        }
        case "BRANCH_GT" -> {
          leq = t;
          trueGoesLeft = false;
        }
        case "BRANCH_GTE" -> {
          leq = Math.nextDown(t);
          trueGoesLeft = false;
        }
        default -> throw new Unsupported("branch mode " + mode);
      }
      int node = builder.branch((int) feature, leq);
      int left = trueGoesLeft ? truePos[at] : falsePos[at];
      int right = trueGoesLeft ? falsePos[at] : truePos[at];
      if (add(builder, left, depth + 1, truePos, falsePos, leafValues, leaf) != node + 1) {
        throw new IllegalStateException("left child not laid out next to its parent");
      }
      builder.right(node, add(builder, right, depth + 1, truePos, falsePos, leafValues, leaf));
      return node;
    }
  }

  /**
   * Predicts like ONNX Runtime's kernel for the same rows (see the class comment for the rules).
   */
  Predictions predict(double[][] rows) {
    int n = rows.length;
    double[][] x = new double[n][];
    for (int r = 0; r < n; r++) {
      double[] row = rows[r];
      double[] f = new double[row.length];
      for (int j = 0; j < row.length; j++) {
        f[j] = (float) row[j];
      }
      x[r] = f;
    }
    double[][] sums = new double[n][forest.width()];
    if (n == 1) {
      forest.accumulate(x[0], sums[0]);
    } else {
      forest.accumulate(x, sums);
    }
    if (task == Task.REGRESSION) {
      double[] out = new double[n];
      for (int r = 0; r < n; r++) {
        out[r] = sums[r][0] / divisor + base;
      }
      return Predictions.values(out);
    }
    int[] label = new int[n];
    double[][] probabilities = new double[n][classes];
    for (int r = 0; r < n; r++) {
      double[] s = sums[r];
      double[] p = probabilities[r];
      if (binary) {
        p[labelOfClass[0]] = 1 - s[0];
        p[labelOfClass[1]] = s[0];
        label[r] = labelOfClass[s[0] > 0.5 ? 1 : 0];
      } else {
        int best = 0;
        for (int j = 0; j < classes; j++) {
          p[labelOfClass[j]] = s[j];
          if (s[j] > s[best]) {
            best = j;
          }
        }
        label[r] = labelOfClass[best];
      }
    }
    return Predictions.classes(label, probabilities);
  }

  /**
   * Rows that probe the splits: each feature takes one of its own thresholds, or the float just
   * above or below one (where a wrong comparison or rounding would show), or, for a feature no tree
   * splits on, a random value. Deterministic for a given seed.
   */
  double[][] probeRows(int n, long seed) {
    return probeRows(splits, n, seed);
  }

  /**
   * {@link #probeRows(int, long)} for an ensemble node that is not compiled (one feeding a ZipMap,
   * say).
   */
  static double[][] probeRows(
      Map<String, OnnxProto.Attribute> ensemble, int features, int n, long seed) {
    return probeRows(splits(ensemble, features), n, seed);
  }

  private static double[][] probeRows(float[][] splits, int n, long seed) {
    java.util.Random random = new java.util.Random(seed);
    double[][] rows = new double[n][splits.length];
    for (double[] row : rows) {
      for (int j = 0; j < splits.length; j++) {
        float[] t = splits[j];
        if (t.length == 0) {
          row[j] = random.nextGaussian();
          continue;
        }
        float v = t[random.nextInt(t.length)];
        row[j] =
            switch (random.nextInt(3)) {
              case 0 -> v;
              case 1 -> Math.nextUp(v);
              default -> Math.nextDown(v);
            };
      }
    }
    return rows;
  }

  @Override
  public String toString() {
    return forest.toString();
  }

  /**
   * What the ensemble reads and writes, as the graph names them: {@code 'input' float[N, 4] ->
   * 'label', 'probabilities'}.
   */
  String summary(int features) {
    return "'"
        + String.join("', '", reads)
        + "' float[N, "
        + features
        + "] -> '"
        + String.join("', '", writes)
        + "'";
  }

  private static float[][] splits(Map<String, OnnxProto.Attribute> a, int features) {
    List<String> modes = strings(a, "nodes_modes");
    long[] featureIds = ints(a, "nodes_featureids");
    float[] values = floats(a, "nodes_values");
    int[] count = new int[features];
    for (int i = 0; i < modes.size(); i++) {
      if (!modes.get(i).equals("LEAF") && featureIds[i] >= 0 && featureIds[i] < features) {
        count[(int) featureIds[i]]++;
      }
    }
    float[][] out = new float[features][];
    for (int j = 0; j < features; j++) {
      out[j] = new float[count[j]];
      count[j] = 0;
    }
    for (int i = 0; i < modes.size(); i++) {
      if (!modes.get(i).equals("LEAF") && featureIds[i] >= 0 && featureIds[i] < features) {
        int j = (int) featureIds[i];
        out[j][count[j]++] = values[i];
      }
    }
    return out;
  }

  private static void sameSize(String prefix, int... lengths) throws Unsupported {
    for (int length : lengths) {
      if (length != lengths[0]) {
        throw new Unsupported("the " + prefix + "* attributes have different lengths");
      }
    }
  }

  private static long[] ints(Map<String, OnnxProto.Attribute> a, String name) {
    OnnxProto.Attribute attribute = a.get(name);
    return attribute == null ? new long[0] : attribute.ints();
  }

  private static float[] floats(Map<String, OnnxProto.Attribute> a, String name) {
    OnnxProto.Attribute attribute = a.get(name);
    return attribute == null ? new float[0] : attribute.floats();
  }

  private static List<String> strings(Map<String, OnnxProto.Attribute> a, String name) {
    OnnxProto.Attribute attribute = a.get(name);
    return attribute == null ? List.of() : attribute.strings();
  }

  private static String string(Map<String, OnnxProto.Attribute> a, String name, String absent) {
    List<String> values = strings(a, name);
    return values.isEmpty() ? absent : values.getFirst();
  }

  private static final class Unsupported extends Exception {
    Unsupported(String message) {
      super(message, null, false, false);
    }
  }
}
