package io.modelship.runtime.retraining;

import java.util.List;

/**
 * Recent rows split by time: the newest {@link #FRACTION} (at least {@link #MIN_HELD_OUT}) are held
 * out, to evaluate the candidate and the serving version on the same rows neither was trained on;
 * the rest (at least {@link #MIN_TRAIN}) join the training data. Worked examples: 60 rows → 30 held
 * out, 30 trained on; 100 → 30 and 70; 1000 → 200 and 800; 59 → too few.
 *
 * @param train the older rows, oldest first
 * @param heldOut the newest rows, oldest first
 */
record HeldOutSplit(List<LabelledRow> train, List<LabelledRow> heldOut) {

  static final double FRACTION = 0.2;
  static final int MIN_HELD_OUT = 30;
  static final int MIN_TRAIN = 30;

  /** The fewest recent rows a run needs. */
  static final int MIN_ROWS = MIN_HELD_OUT + MIN_TRAIN;

  /** Splits {@code rows} (oldest first). */
  static HeldOutSplit of(List<LabelledRow> rows) {
    int n = rows.size();
    if (n < MIN_ROWS) {
      throw new RetrainException(
          "too few recent labelled rows: "
              + n
              + " in the window, at least "
              + MIN_ROWS
              + " needed ("
              + MIN_HELD_OUT
              + " held out to evaluate on, "
              + MIN_TRAIN
              + " to train on)");
    }
    int heldOut = Math.max(MIN_HELD_OUT, (int) Math.ceil(n * FRACTION));
    return new HeldOutSplit(rows.subList(0, n - heldOut), rows.subList(n - heldOut, n));
  }
}
