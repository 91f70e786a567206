package io.modelship.runtime.monitoring;

/**
 * What the accuracy and error trackers share about their rings of remembered predictions: marking
 * one answered when its feedback was scored on another replica.
 */
final class RememberedAnswers {

  private RememberedAnswers() {}

  /**
   * Marks the prediction {@code sequence} answered, if the ring still holds it.
   *
   * @return whether it had been answered already
   */
  static boolean markAnswered(long[] sequences, boolean[] answered, Object lock, long sequence) {
    if (sequence < 0) {
      return false;
    }
    int slot = (int) (sequence % sequences.length);
    synchronized (lock) {
      if (sequences[slot] != sequence) {
        return false;
      }
      boolean before = answered[slot];
      answered[slot] = true;
      return before;
    }
  }
}
