package io.modelship.runtime.monitoring;

import io.modelship.drift.DriftReport;
import io.modelship.drift.DriftStatistic;
import io.modelship.drift.DriftThresholds;
import io.modelship.drift.Histogram;
import io.modelship.drift.ReferenceBins;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * Keeps the bins of the last {@code windowSize} predicted rows and scores them against the model
 * package's reference distributions. Safe to call from any number of request threads.
 */
public final class DriftMonitor {

  public static final int DEFAULT_WINDOW_SIZE = 1000;

  private final List<String> featureNames;
  private final List<ReferenceBins> featureReferences;

  /** {@link #featureReferences} as an array, for the per-value binning of {@link #recordAll}. */
  private final ReferenceBins[] references;

  /** Each feature's bin edges, ascending. */
  private final double[][] edges;

  private final ReferenceBins predictionReference;
  private final DriftThresholds thresholds;
  private final int windowSize;
  private final int minSamples;

  /** Features plus the prediction: the number of bin indices stored per row. */
  private final int rowWidth;

  /** Where each feature's bins start in {@link #counts}; the prediction's bins come last. */
  private final int[] binOffsets;

  private final Object lock = new Object();

  /**
   * Ring of the window's rows, each stored as {@code rowWidth} indices into {@link #counts}, so
   * that evicting a row is a plain decrement per index.
   */
  private final int[] ring;

  private final int[] counts;

  /**
   * Counts per bin since start, never evicted: what the pod reports for the operator to difference.
   */
  private final long[] totals;

  private int nextRow;
  private int rowsInWindow;
  private long recordedRows;

  private final LongAdder ignoredRows = new LongAdder();
  private final DriftStatistic statistic;

  /** A monitor with the default window of 1000 rows and the default PSI thresholds. */
  public DriftMonitor(
      List<String> featureNames,
      List<ReferenceBins> featureReferences,
      double[] predictionFractions) {
    this(
        featureNames,
        featureReferences,
        predictionFractions,
        DEFAULT_WINDOW_SIZE,
        DriftThresholds.DEFAULT,
        DriftStatistic.PSI);
  }

  /**
   * @param featureNames names of the model's features, in row order
   * @param featureReferences reference bins of each feature, in row order
   * @param predictionFractions reference share of each predicted label index
   * @param windowSize how many of the latest rows are scored
   * @param thresholds levels of the statistic for Warning and Alert
   * @param statistic PSI or KS: which one the thresholds apply to
   */
  public DriftMonitor(
      List<String> featureNames,
      List<ReferenceBins> featureReferences,
      double[] predictionFractions,
      int windowSize,
      DriftThresholds thresholds,
      DriftStatistic statistic) {
    this(
        featureNames, featureReferences, predictionFractions, windowSize, thresholds, statistic, 0);
  }

  /**
   * As above; the window says {@link io.modelship.drift.DriftStatus#InsufficientData} below {@code
   * minSamples} rows.
   */
  public DriftMonitor(
      List<String> featureNames,
      List<ReferenceBins> featureReferences,
      double[] predictionFractions,
      int windowSize,
      DriftThresholds thresholds,
      DriftStatistic statistic,
      int minSamples) {
    if (minSamples < 0 || minSamples > windowSize) {
      throw new IllegalArgumentException(
          "minSamples must be within 0.." + windowSize + " (the window size), got " + minSamples);
    }
    this.minSamples = minSamples;
    if (featureNames.size() != featureReferences.size()) {
      throw new IllegalArgumentException(
          "need one reference per feature, got "
              + featureNames.size()
              + " names and "
              + featureReferences.size()
              + " references");
    }
    if (windowSize < 1) {
      throw new IllegalArgumentException("windowSize must be at least 1, got " + windowSize);
    }
    if (thresholds == null) {
      throw new IllegalArgumentException("thresholds must not be null");
    }
    this.featureNames = List.copyOf(featureNames);
    this.featureReferences = List.copyOf(featureReferences);
    this.references = this.featureReferences.toArray(ReferenceBins[]::new);
    this.edges = new double[references.length][];
    for (int i = 0; i < references.length; i++) {
      edges[i] = references[i].edges();
    }
    this.predictionReference = ReferenceBins.ofCategories(predictionFractions);
    this.thresholds = thresholds;
    this.statistic = statistic;
    this.windowSize = windowSize;
    this.rowWidth = featureNames.size() + 1;
    this.binOffsets = new int[rowWidth];
    int offset = 0;
    for (int i = 0; i < featureNames.size(); i++) {
      binOffsets[i] = offset;
      offset += featureReferences.get(i).bins();
    }
    binOffsets[rowWidth - 1] = offset;
    this.counts = new int[offset + predictionReference.bins()];
    this.totals = new long[counts.length];
    this.ring = new int[Math.multiplyExact(windowSize, rowWidth)];
  }

  /**
   * Adds one predicted row to the window, evicting the oldest when it is full. Rows with a NaN or
   * infinite value are ignored (and counted in {@link #ignoredRows()}) so they cannot poison the
   * window.
   *
   * @throws IllegalArgumentException if the row has the wrong length or the label index is out of
   *     range
   */
  public void record(double[] row, int predictedClass) {
    if (row.length != rowWidth - 1) {
      throw new IllegalArgumentException(
          "expected " + (rowWidth - 1) + " feature values, got " + row.length);
    }
    if (predictedClass < 0 || predictedClass >= predictionReference.bins()) {
      throw new IllegalArgumentException(
          "predicted label index "
              + predictedClass
              + " is outside 0.."
              + (predictionReference.bins() - 1));
    }
    // Binning is the costly part; it happens before the lock so concurrent requests only
    // serialise on a few array writes.
    var slots = new int[rowWidth];
    for (int i = 0; i < row.length; i++) {
      if (!Double.isFinite(row[i])) {
        ignoredRows.increment();
        return;
      }
      slots[i] = binOffsets[i] + featureReferences.get(i).binOf(row[i]);
    }
    slots[rowWidth - 1] = binOffsets[rowWidth - 1] + predictedClass;

    synchronized (lock) {
      int start = nextRow * rowWidth;
      if (rowsInWindow == windowSize) {
        for (int j = 0; j < rowWidth; j++) {
          counts[ring[start + j]]--;
        }
      } else {
        rowsInWindow++;
      }
      for (int j = 0; j < rowWidth; j++) {
        ring[start + j] = slots[j];
        counts[slots[j]]++;
        totals[slots[j]]++;
      }
      nextRow = nextRow + 1 == windowSize ? 0 : nextRow + 1;
      recordedRows++;
    }
  }

  /**
   * Adds a batch's rows as {@link #record} adds each, in order, under one lock: row {@code i}
   * predicted {@code predictedClasses[i]}. The rows are binned first, into one array, outside the
   * lock; a row with a value that is not finite is ignored (and counted) as {@code record} does.
   *
   * @throws IllegalArgumentException if a row has the wrong length or a label index is out of
   *     range; then none of the batch is recorded
   */
  public void recordAll(double[][] rows, int[] predictedClasses) {
    if (rows.length != predictedClasses.length) {
      throw new IllegalArgumentException(
          rows.length + " rows but " + predictedClasses.length + " predictions");
    }
    int features = rowWidth - 1;
    int[] slots = new int[Math.multiplyExact(rows.length, rowWidth)];
    int kept = 0;
    int ignored = 0;
    rows:
    for (int r = 0; r < rows.length; r++) {
      double[] row = rows[r];
      if (row.length != features) {
        throw new IllegalArgumentException(
            "expected " + features + " feature values, got " + row.length);
      }
      int predictedClass = predictedClasses[r];
      if (predictedClass < 0 || predictedClass >= predictionReference.bins()) {
        throw new IllegalArgumentException(
            "predicted label index "
                + predictedClass
                + " is outside 0.."
                + (predictionReference.bins() - 1));
      }
      int base = kept * rowWidth;
      for (int i = 0; i < features; i++) {
        if (!Double.isFinite(row[i])) {
          ignored++;
          continue rows;
        }
        slots[base + i] = binOffsets[i] + binOf(i, row[i]);
      }
      slots[base + features] = binOffsets[features] + predictedClass;
      kept++;
    }
    if (ignored > 0) {
      ignoredRows.add(ignored);
    }
    synchronized (lock) {
      for (int r = 0; r < kept; r++) {
        int start = nextRow * rowWidth;
        int from = r * rowWidth;
        if (rowsInWindow == windowSize) {
          for (int j = 0; j < rowWidth; j++) {
            counts[ring[start + j]]--;
          }
        } else {
          rowsInWindow++;
        }
        for (int j = 0; j < rowWidth; j++) {
          int slot = slots[from + j];
          ring[start + j] = slot;
          counts[slot]++;
          totals[slot]++;
        }
        nextRow = nextRow + 1 == windowSize ? 0 : nextRow + 1;
      }
      recordedRows += kept;
    }
  }

  /**
   * {@link ReferenceBins#binOf} for a finite value: the number of edges at or below it. Up to 16
   * edges (the packages' references have 9) they are counted without branches, which a batch's
   * 20,000 lookups do in a fraction of a binary search's time, whose branches the CPU cannot
   * predict; more edges are searched.
   */
  private int binOf(int feature, double x) {
    double[] e = edges[feature];
    if (e.length > 16) {
      return references[feature].binOf(x);
    }
    int bin = 0;
    for (double edge : e) {
      bin += edge <= x ? 1 : 0;
    }
    return bin;
  }

  /** Feature and prediction counts since start (nothing evicted), taken together. */
  public DriftWindow cumulative() {
    long[] snapshot;
    synchronized (lock) {
      snapshot = totals.clone();
    }
    return split(snapshot);
  }

  /** Feature and prediction counts of the current window, taken together. */
  public DriftWindow window() {
    int[] snapshot;
    synchronized (lock) {
      snapshot = counts.clone();
    }
    return split(java.util.Arrays.stream(snapshot).asLongStream().toArray());
  }

  /** One snapshot of all bins cut into the features' and the predictions' histograms. */
  private DriftWindow split(long[] snapshot) {
    var features = new ArrayList<Histogram>(featureReferences.size());
    for (int i = 0; i < featureReferences.size(); i++) {
      features.add(histogram(snapshot, binOffsets[i], featureReferences.get(i).bins()));
    }
    return new DriftWindow(
        features, histogram(snapshot, binOffsets[rowWidth - 1], predictionReference.bins()));
  }

  /** Drift of the current window against the reference distributions. */
  public DriftReport report() {
    var window = window();
    return DriftReport.score(
            featureNames,
            featureReferences,
            window.features(),
            predictionReference,
            window.predictions(),
            thresholds,
            statistic)
        .withMinSamples(minSamples);
  }

  public int minSamples() {
    return minSamples;
  }

  /**
   * Counts of each feature in the current window; use {@link #window()} to pair them with the
   * predictions.
   */
  public List<Histogram> featureHistograms() {
    return window().features();
  }

  /** Counts of each predicted label index in the current window. */
  public Histogram predictionHistogram() {
    return window().predictions();
  }

  public List<String> featureNames() {
    return featureNames;
  }

  public List<ReferenceBins> featureReferences() {
    return featureReferences;
  }

  public ReferenceBins predictionReference() {
    return predictionReference;
  }

  public DriftThresholds thresholds() {
    return thresholds;
  }

  public int windowSize() {
    return windowSize;
  }

  /** Rows recorded since start, including those since evicted from the window. */
  public long recordedRows() {
    synchronized (lock) {
      return recordedRows;
    }
  }

  /** Rows ignored since start because a value was NaN or infinite. */
  public long ignoredRows() {
    return ignoredRows.sum();
  }

  private static Histogram histogram(long[] counts, int offset, int bins) {
    return new Histogram(java.util.Arrays.copyOfRange(counts, offset, offset + bins));
  }
}
