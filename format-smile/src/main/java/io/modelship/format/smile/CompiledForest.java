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

    /** Internal nodes: feature index and threshold (go left when {@code x <= threshold}); leaves: -1. */
    private final int[] feature;
    private final double[] threshold;
    private final int[] left;
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
        this.left = b.left.stream().mapToInt(Integer::intValue).toArray();
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
                node = x[f] <= threshold[node] ? left[node] : right[node];
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
        final List<Integer> left = new ArrayList<>();
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
            left.add(-1);
            right.add(-1);
            leafOffset.add(-1);
            switch (node) {
                case OrdinalNode split -> {
                    feature.set(index, split.feature());
                    threshold.set(index, ORDINAL_VALUE.getDouble(split));
                    left.set(index, add(split.trueChild()));
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
