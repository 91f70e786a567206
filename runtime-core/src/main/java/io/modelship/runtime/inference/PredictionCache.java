package io.modelship.runtime.inference;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** An optional LRU of recent rows and their predictions, with a hit ratio for the metrics. */
final class PredictionCache {

  /** A classifier's class and probabilities, or (classIndex -1) a regressor's value. */
  record Cached(int classIndex, double[] probabilities, double value) {

    Cached(int classIndex, double[] probabilities) {
      this(classIndex, probabilities, Double.NaN);
    }

    static Cached value(double value) {
      return new Cached(-1, null, value);
    }
  }

  private record Key(double[] row, int hash) {
    Key(double[] row) {
      this(row.clone(), Arrays.hashCode(row));
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Key key && hash == key.hash && Arrays.equals(row, key.row);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }

  private final Map<Key, Cached> entries;
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();

  PredictionCache(int capacity) {
    this.entries =
        new LinkedHashMap<>(capacity * 4 / 3 + 1, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<Key, Cached> eldest) {
            return size() > capacity;
          }
        };
  }

  Cached get(double[] row) {
    Cached entry;
    synchronized (entries) {
      entry = entries.get(new Key(row));
    }
    (entry == null ? misses : hits).increment();
    return entry;
  }

  void put(double[] row, Cached entry) {
    synchronized (entries) {
      entries.put(new Key(row), entry);
    }
  }

  double hitRatio() {
    long h = hits.sum();
    long total = h + misses.sum();
    return total == 0 ? 0 : (double) h / total;
  }
}
