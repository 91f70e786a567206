package io.modelship.runtime.retraining;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The newest {@code capacity} rows of a stream of any length: a heap of at most that many, whose
 * oldest row gives way to a newer one, so memory is bounded by {@code capacity} rows whatever the
 * sink holds.
 */
final class NewestRows {

  private final int capacity;
  private final PriorityQueue<LabelledRow> oldestFirst =
      new PriorityQueue<>(Comparator.comparing(LabelledRow::time));

  NewestRows(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("the row limit must be at least 1, got " + capacity);
    }
    this.capacity = capacity;
  }

  void offer(LabelledRow row) {
    if (oldestFirst.size() < capacity) {
      oldestFirst.add(row);
    } else if (row.time().isAfter(oldestFirst.peek().time())) {
      oldestFirst.poll();
      oldestFirst.add(row);
    }
  }

  int size() {
    return oldestFirst.size();
  }

  /** The rows kept, oldest first. */
  List<LabelledRow> oldestFirst() {
    List<LabelledRow> rows = new ArrayList<>(oldestFirst);
    rows.sort(Comparator.comparing(LabelledRow::time));
    return rows;
  }
}
