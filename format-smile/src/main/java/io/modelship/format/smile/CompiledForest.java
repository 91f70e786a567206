package io.modelship.format.smile;

import io.modelship.runtime.format.ModelPackageException;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import smile.classification.DecisionTree;
import smile.classification.RandomForest;
import smile.model.cart.DecisionNode;
import smile.model.cart.InternalNode;
import smile.model.cart.Node;
import smile.model.cart.OrdinalNode;

/**
 * Smile random forests and decision trees flattened into arrays, so a prediction walks primitive
 * arrays instead of Smile's node objects and named tuples (several times faster on the hot path).
 * It reproduces Smile's arithmetic exactly — the same leaf posteriors ((count + 1) / (n + k)),
 * summed per tree in the same order with the same tree weights, L1-normalised, first maximum wins —
 * which the tests check against Smile itself. Anything else (nominal splits, boosting, linear
 * models) is left to {@link SmilePredictor}.
 */
public final class CompiledForest implements Predictor {

    /**
     * Internal nodes: feature index and threshold (go left when {@code x <= threshold}); leaves: -1.
     * Nodes are laid out in pre-order, so a node's left child is the next node and only the right
     * child's index is stored.
     */
    private final int[] feature;
    private final double[] threshold;
    private final int[] right;
    /** For a leaf, the offset of its class posteriors in {@link #leafPosteriors}. */
    private final int[] leafOffset;
    private final double[] leafPosteriors;
    private final int[] roots;
    private final double[] weights;
    private final int classes;

    private CompiledForest(Builder b, int classes) {
        this.feature = b.feature.stream().mapToInt(Integer::intValue).toArray();
        this.threshold = b.threshold.stream().mapToDouble(Double::doubleValue).toArray();
        this.right = b.right.stream().mapToInt(Integer::intValue).toArray();
        this.leafOffset = b.leafOffset.stream().mapToInt(Integer::intValue).toArray();
        this.leafPosteriors = b.posteriors.stream().mapToDouble(Double::doubleValue).toArray();
        this.roots = b.roots.stream().mapToInt(Integer::intValue).toArray();
        this.weights = b.weights.stream().mapToDouble(Double::doubleValue).toArray();
        this.classes = classes;
    }

    /** A compiled form of {@code model} when it is a forest or tree of numeric splits. */
    public static Optional<CompiledForest> compile(Object model, int classes) {
        try {
            Builder b = new Builder(classes);
            switch (model) {
                case RandomForest forest -> {
                    for (RandomForest.Model m : forest.models()) {
                        b.tree(m.tree(), m.weight());
                    }
                }
                case DecisionTree tree -> b.tree(tree, 1.0);
                default -> {
                    return Optional.empty();
                }
            }
            return Optional.of(new CompiledForest(b, classes));
        } catch (UnsupportedNode | ReflectiveOperationException | RuntimeException e) {
            return Optional.empty();
        }
    }

    @Override
    public int predict(double[] x, double[] posteriori) {
        java.util.Arrays.fill(posteriori, 0.0);
        for (int t = 0; t < roots.length; t++) {
            int node = roots[t];
            int f;
            while ((f = feature[node]) >= 0) {
                node = x[f] <= threshold[node] ? node + 1 : right[node];
            }
            double w = weights[t];
            int offset = leafOffset[node];
            for (int i = 0; i < classes; i++) {
                posteriori[i] += w * leafPosteriors[offset + i];
            }
        }
        double norm = 0;
        for (double p : posteriori) {
            norm += Math.abs(p);
        }
        int best = 0;
        for (int i = 0; i < classes; i++) {
            posteriori[i] /= norm;
            if (posteriori[i] > posteriori[best]) {
                best = i;
            }
        }
        return best;
    }

    /**
     * Classifies a batch tree by tree rather than row by row: one tree's nodes (tens of KB) stay in
     * cache while every row walks it, where row by row walks the whole forest (MBs) per row. Each
     * row still sums its trees in the same order, so the result is bit-identical to {@link #predict}.
     */
    public int[] predictBatch(double[][] rows, double[][] posteriori) {
        int n = rows.length;
        for (int t = 0; t < roots.length; t++) {
            int root = roots[t];
            double w = weights[t];
            for (int r = 0; r < n; r++) {
                double[] x = rows[r];
                int node = root;
                int f;
                while ((f = feature[node]) >= 0) {
                    node = x[f] <= threshold[node] ? node + 1 : right[node];
                }
                int offset = leafOffset[node];
                double[] p = posteriori[r];
                for (int i = 0; i < classes; i++) {
                    p[i] += w * leafPosteriors[offset + i];
                }
            }
        }
        int[] best = new int[n];
        for (int r = 0; r < n; r++) {
            double[] p = posteriori[r];
            double norm = 0;
            for (double v : p) {
                norm += Math.abs(v);
            }
            int k = 0;
            for (int i = 0; i < classes; i++) {
                p[i] /= norm;
                if (p[i] > p[k]) {
                    k = i;
                }
            }
            best[r] = k;
        }
        return best;
    }

    public int trees() {
        return roots.length;
    }

    private static final class UnsupportedNode extends Exception {
        UnsupportedNode(String message) {
            super(message, null, false, false);
        }
    }

    private static final class Builder {
        private static final Field ORDINAL_VALUE;

        static {
            try {
                ORDINAL_VALUE = OrdinalNode.class.getDeclaredField("value");
                ORDINAL_VALUE.setAccessible(true);
            } catch (NoSuchFieldException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final List<Integer> feature = new ArrayList<>();
        final List<Double> threshold = new ArrayList<>();
        final List<Integer> right = new ArrayList<>();
        final List<Integer> leafOffset = new ArrayList<>();
        final List<Double> posteriors = new ArrayList<>();
        final List<Integer> roots = new ArrayList<>();
        final List<Double> weights = new ArrayList<>();
        final int classes;

        Builder(int classes) {
            this.classes = classes;
        }

        void tree(DecisionTree tree, double weight) throws UnsupportedNode, IllegalAccessException {
            roots.add(add(tree.root()));
            weights.add(weight);
        }

        private int add(Node node) throws UnsupportedNode, IllegalAccessException {
            int index = feature.size();
            feature.add(-1);
            threshold.add(0.0);
            right.add(-1);
            leafOffset.add(-1);
            switch (node) {
                case OrdinalNode split -> {
                    feature.set(index, split.feature());
                    threshold.set(index, ORDINAL_VALUE.getDouble(split));
                    if (add(split.trueChild()) != index + 1) {
                        throw new IllegalStateException("left child not laid out next to its parent");
                    }
                    right.set(index, add(split.falseChild()));
                }
                case DecisionNode leaf -> {
                    int[] count = leaf.count();
                    if (count.length != classes) {
                        throw new UnsupportedNode("leaf with " + count.length + " classes");
                    }
                    double[] p = DecisionNode.posteriori(count, new double[classes]);
                    leafOffset.set(index, posteriors.size());
                    for (double v : p) {
                        posteriors.add(v);
                    }
                }
                case InternalNode other -> throw new UnsupportedNode(other.getClass().getSimpleName());
                default -> throw new UnsupportedNode(node.getClass().getSimpleName());
            }
            return index;
        }
    }
}
