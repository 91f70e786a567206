package io.modelship.format.smile;

import io.modelship.runtime.forest.FlatForest;
import java.lang.reflect.Field;
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
 * The arrays and their walk are runtime-core's {@link FlatForest}, shared with the ONNX format's
 * tree ensembles. It reproduces Smile's arithmetic exactly — the same leaf posteriors ((count + 1)
 * / (n + k)), summed per tree in the same order with the same tree weights, L1-normalised, first
 * maximum wins — which the tests check against Smile itself. Anything else (nominal splits,
 * boosting, linear models) is left to {@link SmilePredictor}.
 */
public final class CompiledForest implements Predictor {

  /** The trees; leaves hold Smile's class posteriors, trees weighted as Smile weights them. */
  private final FlatForest forest;

  private final int classes;

  private CompiledForest(FlatForest forest, int classes) {
    this.forest = forest;
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
      return Optional.of(new CompiledForest(b.forest.build(), classes));
    } catch (UnsupportedNode | ReflectiveOperationException | RuntimeException e) {
      return Optional.empty();
    }
  }

  @Override
  public int predict(double[] x, double[] posteriori) {
    java.util.Arrays.fill(posteriori, 0.0);
    forest.accumulate(x, posteriori);
    return normalise(posteriori);
  }

  /** Smile's last step: L1-normalise the weighted posteriors; the first maximum wins. */
  private int normalise(double[] posteriori) {
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
   * Classifies a batch ({@code posteriori} zeroed, one row per input row) on {@link FlatForest}'s
   * batch path: tree by tree, branch-free when the forest is shallow enough, split across the cores
   * when large. Each row still sums its trees in the same order, so the result is bit-identical to
   * {@link #predict}.
   */
  public int[] predictBatch(double[][] rows, double[][] posteriori) {
    forest.accumulate(rows, posteriori);
    int[] best = new int[rows.length];
    for (int r = 0; r < rows.length; r++) {
      best[r] = normalise(posteriori[r]);
    }
    return best;
  }

  public int trees() {
    return forest.trees();
  }

  @Override
  public String toString() {
    return forest.toString();
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

    final FlatForest.Builder forest;
    final int classes;

    Builder(int classes) {
      this.classes = classes;
      this.forest = new FlatForest.Builder(classes);
    }

    void tree(DecisionTree tree, double weight) throws UnsupportedNode, IllegalAccessException {
      forest.tree(add(tree.root()), weight);
    }

    private int add(Node node) throws UnsupportedNode, IllegalAccessException {
      switch (node) {
        case OrdinalNode split -> {
          int index = forest.branch(split.feature(), ORDINAL_VALUE.getDouble(split));
          if (add(split.trueChild()) != index + 1) {
            throw new IllegalStateException("left child not laid out next to its parent");
          }
          forest.right(index, add(split.falseChild()));
          return index;
        }
        case DecisionNode leaf -> {
          int[] count = leaf.count();
          if (count.length != classes) {
            throw new UnsupportedNode("leaf with " + count.length + " classes");
          }
          return forest.leaf(DecisionNode.posteriori(count, new double[classes]));
        }
        case InternalNode other -> throw new UnsupportedNode(other.getClass().getSimpleName());
        default -> throw new UnsupportedNode(node.getClass().getSimpleName());
      }
    }
  }
}
