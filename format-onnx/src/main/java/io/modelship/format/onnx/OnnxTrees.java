package io.modelship.format.onnx;

import io.modelship.runtime.forest.FlatForest;
import io.modelship.runtime.format.ModelSpec;
import io.modelship.runtime.format.Predictions;
import io.modelship.runtime.format.Task;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An ONNX graph that is a single {@code ai.onnx.ml} {@code TreeEnsembleClassifier} or
 * {@code TreeEnsembleRegressor}, compiled into runtime-core's {@link FlatForest} and evaluated in
 * Java (as Treelite and lleaves compile tree ensembles), which is several times faster than ONNX
 * Runtime's tree kernel on a batch and saves the JNI round trip on one row.
 *
 * <p>Supported exactly: branch modes {@code BRANCH_LEQ}, {@code BRANCH_LT}, {@code BRANCH_GTE},
 * {@code BRANCH_GT} (the input is float, so {@code x < t} is {@code x <= nextDown(t)}; GT and GTE
 * swap the children); {@code post_transform} {@code NONE}; no base values for a classifier, one
 * for a regressor; one target, {@code SUM} or {@code AVERAGE}; for a classifier either one score
 * per class at every leaf (three or more classes: label = first highest score) or scikit-learn's
 * binary form (one non-negative score, class 1's probability p: probabilities [1 - p, p], label
 * 1 when p &gt; 0.5), as ONNX Runtime computes them. Anything else — other modes, transforms,
 * {@code *_as_tensor} attributes, more nodes in the graph (a ZipMap, a scaler) — stays with ONNX
 * Runtime, and {@link #compile} says why. Rows are rounded to float first, as ONNX Runtime's float
 * input is; scores are summed in double (ONNX Runtime sums in float, scikit-learn in double).
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

    private OnnxTrees(FlatForest forest, Task task, int classes, boolean binary, int[] labelOfClass, double divisor,
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
        try {
            OnnxProto.Graph graph = OnnxProto.graph(model);
            OnnxTrees trees = compile(graph, signature, spec);
            trees.splits = splits(graph.nodes().getFirst().attributes(), signature.features());
            return new Compiled(trees, null);
        } catch (Unsupported e) {
            return new Compiled(null, e.getMessage());
        } catch (RuntimeException e) {
            return new Compiled(null, "cannot read its graph: " + e);
        }
    }

    private static OnnxTrees compile(OnnxProto.Graph graph, OnnxSignature signature, ModelSpec spec)
            throws Unsupported {
        if (graph.nodes().size() != 1) {
            throw new Unsupported("the graph has " + graph.nodes().size() + " nodes ("
                    + graph.nodes().stream().map(OnnxProto.Node::opType).toList()
                    + "); only a lone tree ensemble is compiled");
        }
        OnnxProto.Node node = graph.nodes().getFirst();
        boolean classifier = node.opType().equals("TreeEnsembleClassifier");
        if (!node.domain().equals(ML) || !(classifier || node.opType().equals("TreeEnsembleRegressor"))) {
            throw new Unsupported("its node is " + node.domain() + "." + node.opType()
                    + ", not a TreeEnsembleClassifier or TreeEnsembleRegressor");
        }
        if (classifier != (spec.task() == Task.CLASSIFICATION)) {
            throw new Unsupported(node.opType() + " for a " + spec.task() + " package");
        }
        if (!node.inputs().equals(List.of(signature.input()))) {
            throw new Unsupported("the tree ensemble reads " + node.inputs() + ", not the graph input");
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
        return classifier ? classifier(a, node, signature, spec) : regressor(a, node, signature, spec);
    }

    private static OnnxTrees classifier(Map<String, OnnxProto.Attribute> a, OnnxProto.Node node,
            OnnxSignature signature, ModelSpec spec) throws Unsupported {
        if (node.outputs().size() != 2 || !node.outputs().get(0).equals(signature.labelOutput())
                || !node.outputs().get(1).equals(signature.probabilityOutput()) || signature.zipMap()) {
            throw new Unsupported("the ensemble's outputs " + node.outputs() + " are not the graph's label and"
                    + " probability tensor");
        }
        if (!floats(a, "base_values").stream().allMatch(v -> v == 0f)) {
            throw new Unsupported("base_values are set");
        }
        List<String> classLabels = new ArrayList<>(strings(a, "classlabels_strings"));
        ints(a, "classlabels_int64s").forEach(v -> classLabels.add(Long.toString(v)));
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
        List<Long> treeIds = ints(a, "class_treeids");
        List<Long> nodeIds = ints(a, "class_nodeids");
        List<Long> classIds = ints(a, "class_ids");
        List<Float> weights = floats(a, "class_weights");
        sameSize("class_", treeIds, nodeIds, classIds, weights);
        boolean binary = c == 2 && classIds.stream().allMatch(id -> id == 0);
        if (binary && !weights.stream().allMatch(w -> w >= 0f)) {
            throw new Unsupported("a binary ensemble with negative class weights");
        }
        if (!binary && classIds.stream().anyMatch(id -> id < 0 || id >= c)) {
            throw new Unsupported("class ids outside 0.." + (c - 1));
        }
        if (!binary && c == 2) {
            throw new Unsupported("a two-class ensemble scoring both classes (ONNX Runtime's label rule differs)");
        }
        int width = binary ? 1 : c;
        Map<Long, Map<Long, double[]>> leaves = new HashMap<>();
        Map<Long, Map<Long, Set<Long>>> scored = new HashMap<>();
        for (int i = 0; i < treeIds.size(); i++) {
            double[] v = leaves.computeIfAbsent(treeIds.get(i), k -> new HashMap<>())
                    .computeIfAbsent(nodeIds.get(i), k -> new double[width]);
            int k = binary ? 0 : classIds.get(i).intValue();
            v[k] += weights.get(i);
            scored.computeIfAbsent(treeIds.get(i), t -> new HashMap<>())
                    .computeIfAbsent(nodeIds.get(i), n -> new HashSet<>()).add(classIds.get(i));
        }
        if (!binary) {
            for (Map<Long, Set<Long>> tree : scored.values()) {
                for (Set<Long> ids : tree.values()) {
                    if (ids.size() != c) {
                        throw new Unsupported("a leaf scores " + ids.size() + " of " + c + " classes");
                    }
                }
            }
        }
        FlatForest forest = forest(a, leaves, width, signature.features(), true);
        return new OnnxTrees(forest, Task.CLASSIFICATION, c, binary, labelOfClass, 1, 0);
    }

    private static OnnxTrees regressor(Map<String, OnnxProto.Attribute> a, OnnxProto.Node node,
            OnnxSignature signature, ModelSpec spec) throws Unsupported {
        if (!node.outputs().equals(List.of(signature.valueOutput()))) {
            throw new Unsupported("the ensemble's outputs " + node.outputs() + " are not the graph's output");
        }
        long targets = ints(a, "n_targets").isEmpty() ? 1 : ints(a, "n_targets").getFirst();
        if (targets != 1) {
            throw new Unsupported(targets + " targets");
        }
        String aggregate = string(a, "aggregate_function", "SUM");
        if (!aggregate.equals("SUM") && !aggregate.equals("AVERAGE")) {
            throw new Unsupported("aggregate_function " + aggregate + " (SUM and AVERAGE are compiled)");
        }
        List<Float> baseValues = floats(a, "base_values");
        if (baseValues.size() > 1) {
            throw new Unsupported(baseValues.size() + " base_values for one target");
        }
        List<Long> treeIds = ints(a, "target_treeids");
        List<Long> nodeIds = ints(a, "target_nodeids");
        List<Long> targetIds = ints(a, "target_ids");
        List<Float> weights = floats(a, "target_weights");
        sameSize("target_", treeIds, nodeIds, targetIds, weights);
        if (targetIds.stream().anyMatch(id -> id != 0)) {
            throw new Unsupported("target ids other than 0");
        }
        Map<Long, Map<Long, double[]>> leaves = new HashMap<>();
        for (int i = 0; i < treeIds.size(); i++) {
            leaves.computeIfAbsent(treeIds.get(i), k -> new HashMap<>())
                    .computeIfAbsent(nodeIds.get(i), k -> new double[1])[0] += weights.get(i);
        }
        FlatForest forest = forest(a, leaves, 1, signature.features(), false);
        double divisor = aggregate.equals("AVERAGE") ? forest.trees() : 1;
        double base = baseValues.isEmpty() ? 0 : baseValues.getFirst();
        return new OnnxTrees(forest, Task.REGRESSION, 0, false, null, divisor, base);
    }

    /** The trees of {@code nodes_*}, in order of their first node, each laid out in pre-order. */
    private static FlatForest forest(Map<String, OnnxProto.Attribute> a, Map<Long, Map<Long, double[]>> leaves,
            int width, int features, boolean everyLeafScored) throws Unsupported {
        List<Long> treeIds = ints(a, "nodes_treeids");
        List<Long> nodeIds = ints(a, "nodes_nodeids");
        List<Long> featureIds = ints(a, "nodes_featureids");
        List<String> modes = strings(a, "nodes_modes");
        List<Float> values = floats(a, "nodes_values");
        List<Long> trueIds = ints(a, "nodes_truenodeids");
        List<Long> falseIds = ints(a, "nodes_falsenodeids");
        sameSize("nodes_", treeIds, nodeIds, featureIds, modes, values, trueIds, falseIds);
        if (treeIds.isEmpty()) {
            throw new Unsupported("no nodes");
        }
        Map<Long, Map<Long, Integer>> byTree = new LinkedHashMap<>();
        for (int i = 0; i < treeIds.size(); i++) {
            if (byTree.computeIfAbsent(treeIds.get(i), k -> new HashMap<>()).put(nodeIds.get(i), i) != null) {
                throw new Unsupported("tree " + treeIds.get(i) + " repeats node " + nodeIds.get(i));
            }
        }
        FlatForest.Builder builder = new FlatForest.Builder(width);
        for (Map.Entry<Long, Map<Long, Integer>> tree : byTree.entrySet()) {
            Set<Long> children = new HashSet<>();
            for (int i : tree.getValue().values()) {
                if (!modes.get(i).equals("LEAF")) {
                    children.add(trueIds.get(i));
                    children.add(falseIds.get(i));
                }
            }
            List<Long> roots = tree.getValue().keySet().stream().filter(id -> !children.contains(id)).toList();
            if (roots.size() != 1) {
                throw new Unsupported("tree " + tree.getKey() + " has " + roots.size() + " roots");
            }
            Map<Long, double[]> treeLeaves = leaves.getOrDefault(tree.getKey(), Map.of());
            var walk = new Walk(builder, tree.getKey(), tree.getValue(), treeLeaves, featureIds, modes, values, trueIds,
                    falseIds, features, everyLeafScored, width);
            builder.tree(walk.add(roots.getFirst(), 0), 1.0);
        }
        return builder.build();
    }

    /** Adds one tree's nodes in pre-order, turning every branch mode into {@code x <= t}. */
    private record Walk(FlatForest.Builder builder, long tree, Map<Long, Integer> index, Map<Long, double[]> leaves,
            List<Long> featureIds, List<String> modes, List<Float> values, List<Long> trueIds, List<Long> falseIds,
            int features, boolean everyLeafScored, int width) {

        private static final int MAX_DEPTH = 512;

        int add(long id, int depth) throws Unsupported {
            Integer i = index.get(id);
            if (i == null) {
                throw new Unsupported("tree " + tree + " refers to a missing node " + id);
            }
            if (depth > MAX_DEPTH) {
                throw new Unsupported("tree " + tree + " is deeper than " + MAX_DEPTH + " (or has a cycle)");
            }
            String mode = modes.get(i);
            if (mode.equals("LEAF")) {
                double[] v = leaves.get(id);
                if (v == null) {
                    if (everyLeafScored && width > 1) {
                        throw new Unsupported("tree " + tree + " leaf " + id + " has no class scores");
                    }
                    v = new double[width];
                }
                return builder.leaf(v);
            }
            long feature = featureIds.get(i);
            if (feature < 0 || feature >= features) {
                throw new Unsupported("tree " + tree + " splits on feature " + feature + " of " + features);
            }
            float t = values.get(i);
            if (Float.isNaN(t)) {
                throw new Unsupported("tree " + tree + " has a NaN threshold");
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
            long left = trueGoesLeft ? trueIds.get(i) : falseIds.get(i);
            long right = trueGoesLeft ? falseIds.get(i) : trueIds.get(i);
            if (add(left, depth + 1) != node + 1) {
                throw new IllegalStateException("left child not laid out next to its parent");
            }
            builder.right(node, add(right, depth + 1));
            return node;
        }
    }

    /** Predicts like ONNX Runtime's kernel for the same rows (see the class comment for the rules). */
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
     * above or below one (where a wrong comparison or rounding would show), or, for a feature no
     * tree splits on, a random value. Deterministic for a given seed.
     */
    double[][] probeRows(int n, long seed) {
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
                row[j] = switch (random.nextInt(3)) {
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

    private static float[][] splits(Map<String, OnnxProto.Attribute> a, int features) {
        List<List<Float>> byFeature = new ArrayList<>();
        for (int j = 0; j < features; j++) {
            byFeature.add(new ArrayList<>());
        }
        List<String> modes = strings(a, "nodes_modes");
        List<Long> featureIds = ints(a, "nodes_featureids");
        List<Float> values = floats(a, "nodes_values");
        for (int i = 0; i < modes.size(); i++) {
            if (!modes.get(i).equals("LEAF")) {
                byFeature.get(featureIds.get(i).intValue()).add(values.get(i));
            }
        }
        float[][] out = new float[features][];
        for (int j = 0; j < features; j++) {
            List<Float> t = byFeature.get(j);
            out[j] = new float[t.size()];
            for (int k = 0; k < t.size(); k++) {
                out[j][k] = t.get(k);
            }
        }
        return out;
    }

    private static void sameSize(String prefix, List<?>... lists) throws Unsupported {
        for (List<?> list : lists) {
            if (list.size() != lists[0].size()) {
                throw new Unsupported("the " + prefix + "* attributes have different lengths");
            }
        }
    }

    private static List<Long> ints(Map<String, OnnxProto.Attribute> a, String name) {
        OnnxProto.Attribute attribute = a.get(name);
        return attribute == null ? List.of() : attribute.ints();
    }

    private static List<Float> floats(Map<String, OnnxProto.Attribute> a, String name) {
        OnnxProto.Attribute attribute = a.get(name);
        return attribute == null ? List.of() : attribute.floats();
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
