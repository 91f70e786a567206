package io.modelship.runtime.forest;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A forest of binary trees of numeric splits flattened into primitive arrays, shared by the formats
 * that compile their trees (Smile's random forest, ONNX's tree ensembles). A branch sends a row
 * left when {@code x[feature] <= threshold}; a leaf holds {@link #width()} values, and a prediction
 * is, per value, the sum over trees of {@code weight(tree) * leaf value}, trees added in order.
 * What the sums mean (posteriors to normalise, class scores, a regression value) is the format's
 * business.
 *
 * <p>Two layouts of the same trees. One row walks the pre-order layout (a node's left child is the
 * next node). A batch runs tree by tree, so one tree stays in cache while every row passes it, and,
 * when the forest is shallow enough ({@link #MAX_PADDED_DEPTH}), on a copy of each tree padded to a
 * complete tree of the forest's depth: every row then takes exactly {@code depth} steps of
 * branch-free arithmetic ({@code i = 2i + 1 + (x > t)}), four rows interleaved, instead of a branch
 * the CPU mispredicts at half the nodes. Both layouts add the same leaf values in the same order,
 * so their sums are bit-identical.
 *
 * <p>Batches of at least {@link #PARALLEL_ROWS} rows are split by rows across a pool of {@code
 * availableProcessors - 1} daemon threads plus the calling thread; smaller requests (one row above
 * all) never touch the pool.
 */
public final class FlatForest {

  /** Deepest forest padded to complete trees (2^12 leaves per tree at most). */
  public static final int MAX_PADDED_DEPTH = 12;

  /** Rows from which a batch is split across the cores. */
  public static final int PARALLEL_ROWS = 256;

  private final int[] feature;
  private final double[] threshold;
  private final int[] right;
  private final int[] leafOffset;
  private final double[] leafValues;
  private final int[] roots;
  private final double[] weights;
  private final int width;
  private final int depth;

  /**
   * Padded layout, or null: per tree {@code 2^depth - 1} branches then {@code 2^depth} leaf
   * offsets.
   */
  private final int[] paddedFeature;

  private final double[] paddedThreshold;
  private final int[] paddedLeaf;

  private FlatForest(Builder b) {
    this.feature = b.feature.stream().mapToInt(Integer::intValue).toArray();
    this.threshold = b.threshold.stream().mapToDouble(Double::doubleValue).toArray();
    this.right = b.right.stream().mapToInt(Integer::intValue).toArray();
    this.leafOffset = b.leafOffset.stream().mapToInt(Integer::intValue).toArray();
    this.leafValues = b.leafValues.stream().mapToDouble(Double::doubleValue).toArray();
    this.roots = b.roots.stream().mapToInt(Integer::intValue).toArray();
    this.weights = b.weights.stream().mapToDouble(Double::doubleValue).toArray();
    this.width = b.width;
    int d = 0;
    for (int root : roots) {
      d = Math.max(d, depth(root));
    }
    this.depth = d;
    if (d <= MAX_PADDED_DEPTH) {
      int branches = (1 << d) - 1;
      paddedFeature = new int[roots.length * branches];
      paddedThreshold = new double[roots.length * branches];
      paddedLeaf = new int[roots.length << d];
      for (int t = 0; t < roots.length; t++) {
        pad(roots[t], 0, 0, t * branches, t << d);
      }
    } else {
      paddedFeature = null;
      paddedThreshold = null;
      paddedLeaf = null;
    }
  }

  private int depth(int node) {
    return feature[node] < 0 ? 0 : 1 + Math.max(depth(node + 1), depth(right[node]));
  }

  /** Copies the subtree at {@code node} to complete-tree position {@code i} at {@code level}. */
  private void pad(int node, int i, int level, int branchBase, int leafBase) {
    if (level == depth) {
      paddedLeaf[leafBase + i - ((1 << depth) - 1)] = leafOffset[node];
      return;
    }
    if (feature[node] < 0) {
      // a leaf above the bottom: a branch every row passes left (and right, for NaN) to copies of
      // it
      paddedFeature[branchBase + i] = 0;
      paddedThreshold[branchBase + i] = Double.POSITIVE_INFINITY;
      pad(node, 2 * i + 1, level + 1, branchBase, leafBase);
      pad(node, 2 * i + 2, level + 1, branchBase, leafBase);
    } else {
      paddedFeature[branchBase + i] = feature[node];
      paddedThreshold[branchBase + i] = threshold[node];
      pad(node + 1, 2 * i + 1, level + 1, branchBase, leafBase);
      pad(right[node], 2 * i + 2, level + 1, branchBase, leafBase);
    }
  }

  public int trees() {
    return roots.length;
  }

  /** Values per leaf (classes, or 1 for a regression or a binary score). */
  public int width() {
    return width;
  }

  public int depth() {
    return depth;
  }

  /** Whether batches run on the padded, branch-free layout. */
  public boolean padded() {
    return paddedFeature != null;
  }

  /** Adds the forest's sums for one row to {@code sums} (of length {@link #width()}). */
  public void accumulate(double[] x, double[] sums) {
    for (int t = 0; t < roots.length; t++) {
      int node = roots[t];
      int f;
      while ((f = feature[node]) >= 0) {
        node = x[f] <= threshold[node] ? node + 1 : right[node];
      }
      double w = weights[t];
      int offset = leafOffset[node];
      for (int i = 0; i < width; i++) {
        sums[i] += w * leafValues[offset + i];
      }
    }
  }

  /**
   * Adds the forest's sums for each row to {@code sums[row]}; bit-identical to {@link
   * #accumulate(double[], double[])}.
   */
  public void accumulate(double[][] rows, double[][] sums) {
    int n = rows.length;
    int parts = Math.min(Pool.THREADS + 1, n / (PARALLEL_ROWS / 2));
    if (n < PARALLEL_ROWS || parts < 2) {
      range(rows, sums, 0, n);
      return;
    }
    List<Future<?>> futures = new ArrayList<>(parts - 1);
    int step = (n + parts - 1) / parts;
    for (int from = step; from < n; from += step) {
      int start = from;
      int end = Math.min(n, from + step);
      futures.add(Pool.EXECUTOR.submit(() -> range(rows, sums, start, end)));
    }
    range(rows, sums, 0, step);
    for (Future<?> future : futures) {
      try {
        future.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while predicting a batch", e);
      } catch (ExecutionException e) {
        throw new IllegalStateException("a batch part failed: " + e.getCause(), e.getCause());
      }
    }
  }

  private void range(double[][] rows, double[][] sums, int from, int to) {
    if (paddedFeature != null) {
      paddedRange(rows, sums, from, to);
      return;
    }
    for (int t = 0; t < roots.length; t++) {
      int root = roots[t];
      double w = weights[t];
      for (int r = from; r < to; r++) {
        double[] x = rows[r];
        int node = root;
        int f;
        while ((f = feature[node]) >= 0) {
          node = x[f] <= threshold[node] ? node + 1 : right[node];
        }
        add(sums[r], w, leafOffset[node]);
      }
    }
  }

  private void paddedRange(double[][] rows, double[][] sums, int from, int to) {
    int d = depth;
    int branches = (1 << d) - 1;
    int[] pf = paddedFeature;
    double[] pt = paddedThreshold;
    for (int t = 0; t < roots.length; t++) {
      int b = t * branches;
      int l = t << d;
      double w = weights[t];
      int r = from;
      for (; r + 3 < to; r += 4) {
        double[] x0 = rows[r];
        double[] x1 = rows[r + 1];
        double[] x2 = rows[r + 2];
        double[] x3 = rows[r + 3];
        int i0 = 0;
        int i1 = 0;
        int i2 = 0;
        int i3 = 0;
        for (int level = 0; level < d; level++) {
          i0 = 2 * i0 + 1 + (x0[pf[b + i0]] <= pt[b + i0] ? 0 : 1);
          i1 = 2 * i1 + 1 + (x1[pf[b + i1]] <= pt[b + i1] ? 0 : 1);
          i2 = 2 * i2 + 1 + (x2[pf[b + i2]] <= pt[b + i2] ? 0 : 1);
          i3 = 2 * i3 + 1 + (x3[pf[b + i3]] <= pt[b + i3] ? 0 : 1);
        }
        add(sums[r], w, paddedLeaf[l + i0 - branches]);
        add(sums[r + 1], w, paddedLeaf[l + i1 - branches]);
        add(sums[r + 2], w, paddedLeaf[l + i2 - branches]);
        add(sums[r + 3], w, paddedLeaf[l + i3 - branches]);
      }
      for (; r < to; r++) {
        double[] x = rows[r];
        int i = 0;
        for (int level = 0; level < d; level++) {
          i = 2 * i + 1 + (x[pf[b + i]] <= pt[b + i] ? 0 : 1);
        }
        add(sums[r], w, paddedLeaf[l + i - branches]);
      }
    }
  }

  private void add(double[] sum, double w, int offset) {
    for (int i = 0; i < width; i++) {
      sum[i] += w * leafValues[offset + i];
    }
  }

  /**
   * The batch pool: {@code availableProcessors - 1} daemon threads (the caller runs one part
   * itself).
   */
  private static final class Pool {
    static final int THREADS = Math.max(0, Runtime.getRuntime().availableProcessors() - 1);
    static final ExecutorService EXECUTOR =
        THREADS == 0
            ? null
            : Executors.newFixedThreadPool(
                THREADS,
                task -> {
                  Thread thread = new Thread(task, "forest-batch");
                  thread.setDaemon(true);
                  return thread;
                });
  }

  /**
   * Builds a forest tree by tree in pre-order: {@link #branch} a node, build its left subtree
   * (which must start at the next index), then its right one and {@link #right} it.
   */
  public static final class Builder {
    private final List<Integer> feature = new ArrayList<>();
    private final List<Double> threshold = new ArrayList<>();
    private final List<Integer> right = new ArrayList<>();
    private final List<Integer> leafOffset = new ArrayList<>();
    private final List<Double> leafValues = new ArrayList<>();
    private final List<Integer> roots = new ArrayList<>();
    private final List<Double> weights = new ArrayList<>();
    private final int width;

    public Builder(int width) {
      if (width < 1) {
        throw new IllegalArgumentException("a leaf needs at least one value, got width " + width);
      }
      this.width = width;
    }

    /** Index the next node will get. */
    public int next() {
      return feature.size();
    }

    /** A branch on {@code feature <= threshold}; its left child must be the next node added. */
    public int branch(int featureIndex, double value) {
      if (featureIndex < 0) {
        throw new IllegalArgumentException("negative feature index " + featureIndex);
      }
      return node(featureIndex, value);
    }

    public void right(int branch, int child) {
      right.set(branch, child);
    }

    public int leaf(double[] values) {
      if (values.length != width) {
        throw new IllegalArgumentException(
            "leaf with " + values.length + " values, expected " + width);
      }
      int index = node(-1, 0.0);
      leafOffset.set(index, leafValues.size());
      for (double v : values) {
        leafValues.add(v);
      }
      return index;
    }

    private int node(int f, double t) {
      int index = feature.size();
      feature.add(f);
      threshold.add(t);
      right.add(-1);
      leafOffset.add(-1);
      return index;
    }

    /** Ends a tree whose root is {@code root}, weighted by {@code weight}. */
    public void tree(int root, double weight) {
      roots.add(root);
      weights.add(weight);
    }

    public FlatForest build() {
      if (roots.isEmpty()) {
        throw new IllegalStateException("a forest needs at least one tree");
      }
      for (int i = 0; i < feature.size(); i++) {
        if (feature.get(i) >= 0
            && (right.get(i) < 0 || right.get(i) >= feature.size() || i + 1 >= feature.size())) {
          throw new IllegalStateException("branch " + i + " has no right child");
        }
      }
      return new FlatForest(this);
    }
  }

  @Override
  public String toString() {
    return roots.length
        + " trees, depth "
        + depth
        + ", "
        + feature.length
        + " nodes, width "
        + width
        + (padded() ? ", padded" : "");
  }
}
