package io.modelship.runtime.sink;

/**
 * The features of the most recent predictions, by request sequence, so a labelled feedback can
 * bring its row back: a fixed ring of {@code capacity} rows allocated once, so memory is {@code
 * capacity x features x 8} bytes whatever the traffic; a row overwritten by newer ones is gone (its
 * feedback still counts for accuracy, it just cannot be kept).
 */
public final class FeatureMemory {

  /** The most the ring may take: 8 MiB of feature values. */
  public static final long MAX_BYTES = 8L * 1024 * 1024;

  private final int features;
  private final int capacity;
  private final double[] values;
  private final long[] sequences;

  public FeatureMemory(int features, int remembered) {
    this.features = Math.max(1, features);
    this.capacity = (int) Math.max(1, Math.min(remembered, MAX_BYTES / (8L * this.features)));
    this.values = new double[capacity * this.features];
    this.sequences = new long[capacity];
    java.util.Arrays.fill(sequences, -1);
  }

  public int capacity() {
    return capacity;
  }

  public synchronized void remember(long sequence, double[] row) {
    int slot = (int) Math.floorMod(sequence, (long) capacity);
    sequences[slot] = sequence;
    System.arraycopy(row, 0, values, slot * features, Math.min(features, row.length));
  }

  /** The rows of a batch numbered from {@code first} on, under one lock. */
  public synchronized void rememberAll(long first, double[][] rows) {
    for (int i = 0; i < rows.length; i++) {
      remember(first + i, rows[i]);
    }
  }

  /**
   * The row predicted as {@code sequence}, once (later calls return null), or null when
   * overwritten.
   */
  public synchronized double[] take(long sequence) {
    int slot = (int) Math.floorMod(sequence, (long) capacity);
    if (sequences[slot] != sequence) {
      return null;
    }
    sequences[slot] = -1;
    double[] row = new double[features];
    System.arraycopy(values, slot * features, row, 0, features);
    return row;
  }
}
