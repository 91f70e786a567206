package io.modelship.runtime.monitoring;

import io.modelship.drift.DriftStatus;
import java.util.Arrays;

/**
 * Rolling accuracy of live predictions from ground truth sent back later by request id, with an
 * alert when it moves too far from the training accuracy. Memory is bounded by its two capacities.
 */
public final class AccuracyTracker {

  public static final double DEFAULT_MAX_DROP = 0.05;
  public static final int DEFAULT_REMEMBERED_PREDICTIONS = 10_000;
  public static final int DEFAULT_WINDOW_SIZE =
      io.modelship.drift.DriftThresholds.DEFAULT_ACCURACY_WINDOW_SIZE;

  private final double trainingAccuracy;
  private final double maxDrop;
  private final int windowSize;

  private final Object lock = new Object();

  /**
   * The last predictions, in rings indexed by request sequence number modulo their capacity: a
   * newer prediction takes the slot of the one {@code rememberedPredictions} before it. Primitive
   * arrays, because a map of entries churning at serving rates is copied by every young GC.
   */
  private final long[] sequences;

  private final int[] predictedClasses;
  private final boolean[] answered;

  /** Ring of the window's feedback outcomes, true for a correct prediction. */
  private final boolean[] outcomes;

  private int nextOutcome;
  private int windowCount;
  private int correctInWindow;
  private long totalFeedback;
  private long totalCorrect;
  private long unknownFeedback;
  private long duplicateFeedback;
  private final int minSamples;

  /**
   * Feedback since start by true class (row) and predicted class (column), for the dashboard's
   * confusion matrix; grown to the classes seen, at most {@link #CONFUSION_MAX_CLASSES} square.
   */
  private long[][] confusion = new long[0][0];

  public static final int CONFUSION_MAX_CLASSES = 64;

  /**
   * A tracker with the default limits: alert beyond a drop of 0.05, 10,000 remembered predictions,
   * window of 1000.
   */
  public AccuracyTracker(double trainingAccuracy) {
    this(trainingAccuracy, DEFAULT_MAX_DROP, DEFAULT_REMEMBERED_PREDICTIONS, DEFAULT_WINDOW_SIZE);
  }

  /**
   * @param trainingAccuracy holdout accuracy A0 in [0, 1], or NaN when the package does not have
   *     one
   * @param maxDrop how far the rolling accuracy may move from A0 before alerting
   * @param rememberedPredictions how many recent predictions can still receive feedback
   * @param windowSize how many of the latest feedbacks the rolling accuracy covers
   */
  public AccuracyTracker(
      double trainingAccuracy, double maxDrop, int rememberedPredictions, int windowSize) {
    this(trainingAccuracy, maxDrop, rememberedPredictions, windowSize, 0);
  }

  /**
   * As above; no verdict (and never an alert) before {@code minSamples} feedbacks in the window.
   */
  public AccuracyTracker(
      double trainingAccuracy,
      double maxDrop,
      int rememberedPredictions,
      int windowSize,
      int minSamples) {
    if (minSamples < 0 || minSamples > windowSize) {
      throw new IllegalArgumentException(
          "minSamples must be within 0.." + windowSize + ", got " + minSamples);
    }
    this.minSamples = minSamples;
    if (!Double.isNaN(trainingAccuracy) && !(trainingAccuracy >= 0 && trainingAccuracy <= 1)) {
      throw new IllegalArgumentException(
          "training accuracy must be in [0, 1] or NaN, got " + trainingAccuracy);
    }
    if (!(maxDrop >= 0) || !Double.isFinite(maxDrop)) {
      throw new IllegalArgumentException(
          "maxDrop must be a finite non-negative number, got " + maxDrop);
    }
    if (rememberedPredictions < 1) {
      throw new IllegalArgumentException(
          "rememberedPredictions must be at least 1, got " + rememberedPredictions);
    }
    if (windowSize < 1) {
      throw new IllegalArgumentException("windowSize must be at least 1, got " + windowSize);
    }
    this.trainingAccuracy = trainingAccuracy;
    this.maxDrop = maxDrop;
    this.windowSize = windowSize;
    this.outcomes = new boolean[windowSize];
    this.sequences = new long[rememberedPredictions];
    Arrays.fill(sequences, -1);
    this.predictedClasses = new int[rememberedPredictions];
    this.answered = new boolean[rememberedPredictions];
  }

  /**
   * Remembers the class predicted for request {@code sequence} (a number that grows with every
   * prediction) so that later feedback can be scored.
   */
  public void remember(long sequence, int predictedClass) {
    requireNonNegative(sequence, "sequence");
    requireNonNegative(predictedClass, "predictedClass");
    int slot = (int) (sequence % sequences.length);
    synchronized (lock) {
      if (sequences[slot] <= sequence) { // never let a late writer replace a newer prediction
        sequences[slot] = sequence;
        predictedClasses[slot] = predictedClass;
        answered[slot] = false;
      }
    }
  }

  /**
   * Remembers a batch as {@link #remember} would each row, under one lock: request {@code
   * firstSequence + i} predicted {@code classes[i]}.
   */
  public void rememberAll(long firstSequence, int[] classes) {
    requireNonNegative(firstSequence, "firstSequence");
    for (int k : classes) {
      requireNonNegative(k, "predictedClass");
    }
    synchronized (lock) {
      for (int i = 0; i < classes.length; i++) {
        long sequence = firstSequence + i;
        int slot = (int) (sequence % sequences.length);
        if (sequences[slot] <= sequence) {
          sequences[slot] = sequence;
          predictedClasses[slot] = classes[i];
          answered[slot] = false;
        }
      }
    }
  }

  /**
   * Scores the true class of an earlier request; unknown, evicted and repeated ones change no
   * statistics.
   */
  public FeedbackResult feedback(long sequence, int trueClass) {
    requireNonNegative(sequence, "sequence");
    requireNonNegative(trueClass, "trueClass");
    int slot = (int) (sequence % sequences.length);
    synchronized (lock) {
      if (sequences[slot] != sequence) {
        unknownFeedback++;
        return FeedbackResult.unknownRequest();
      }
      int predicted = predictedClasses[slot];
      if (answered[slot]) {
        duplicateFeedback++;
        return FeedbackResult.duplicate(predicted);
      }
      answered[slot] = true;
      boolean correct = predicted == trueClass;
      addOutcome(correct);
      countConfusion(trueClass, predicted);
      return FeedbackResult.recorded(predicted, correct);
    }
  }

  /**
   * Marks an earlier prediction of this tracker as answered without scoring it: another replica
   * received its feedback and scored it there, so a repeat sent here is a duplicate, not a second
   * outcome.
   *
   * @return whether it had been answered already (its feedback came here or was handed over before)
   */
  public boolean answeredElsewhere(long sequence) {
    return RememberedAnswers.markAnswered(sequences, answered, lock, sequence);
  }

  /**
   * Scores a prediction another replica made, known only from its request id; such feedback cannot
   * be checked for repeats, as the predicting replica would.
   */
  public FeedbackResult feedbackFromElsewhere(int predictedClass, int trueClass) {
    requireNonNegative(predictedClass, "predictedClass");
    requireNonNegative(trueClass, "trueClass");
    boolean correct = predictedClass == trueClass;
    synchronized (lock) {
      addOutcome(correct);
      countConfusion(trueClass, predictedClass);
    }
    return FeedbackResult.recorded(predictedClass, correct);
  }

  /** Counts a repeated feedback for another replica's request id: nothing else changes. */
  public FeedbackResult duplicateFromElsewhere(int predictedClass) {
    synchronized (lock) {
      duplicateFeedback++;
    }
    return FeedbackResult.duplicate(predictedClass);
  }

  /** Counts feedback for a request id that cannot have come from this tracker's predictions. */
  public FeedbackResult unknownRequest() {
    synchronized (lock) {
      unknownFeedback++;
    }
    return FeedbackResult.unknownRequest();
  }

  /** The rolling accuracy and how it compares with training. */
  public AccuracySnapshot snapshot() {
    int count;
    int correct;
    long total;
    long totalRight;
    long unknown;
    long duplicates;
    synchronized (lock) {
      count = windowCount;
      correct = correctInWindow;
      total = totalFeedback;
      totalRight = totalCorrect;
      unknown = unknownFeedback;
      duplicates = duplicateFeedback;
    }
    Double accuracy = count == 0 ? null : (double) correct / count;
    Double training = Double.isNaN(trainingAccuracy) ? null : trainingAccuracy;
    Double drop = accuracy == null || training == null ? null : training - accuracy;
    boolean enough = count >= minSamples;
    boolean alert = enough && drop != null && Math.abs(drop) > maxDrop;
    DriftStatus status =
        !enough || drop == null
            ? DriftStatus.InsufficientData
            : alert ? DriftStatus.Alert : DriftStatus.Normal;
    return new AccuracySnapshot(
        count,
        accuracy,
        training,
        drop,
        maxDrop,
        alert,
        total,
        totalRight,
        unknown,
        duplicates,
        status,
        minSamples);
  }

  /**
   * Labelled feedback since start: {@code [trueClass][predictedClass]} counts, square over the
   * highest class index seen (classes beyond {@link #CONFUSION_MAX_CLASSES} are left out).
   */
  public long[][] confusion() {
    synchronized (lock) {
      long[][] copy = new long[confusion.length][];
      for (int i = 0; i < confusion.length; i++) {
        copy[i] = confusion[i].clone();
      }
      return copy;
    }
  }

  private void countConfusion(int trueClass, int predictedClass) {
    int needed = Math.max(trueClass, predictedClass) + 1;
    if (needed > CONFUSION_MAX_CLASSES) {
      return;
    }
    if (needed > confusion.length) {
      long[][] grown = new long[needed][needed];
      for (int i = 0; i < confusion.length; i++) {
        System.arraycopy(confusion[i], 0, grown[i], 0, confusion.length);
      }
      confusion = grown;
    }
    confusion[trueClass][predictedClass]++;
  }

  public int windowSize() {
    return windowSize;
  }

  private void addOutcome(boolean correct) {
    if (windowCount == windowSize) {
      if (outcomes[nextOutcome]) {
        correctInWindow--;
      }
    } else {
      windowCount++;
    }
    outcomes[nextOutcome] = correct;
    if (correct) {
      correctInWindow++;
      totalCorrect++;
    }
    totalFeedback++;
    nextOutcome = nextOutcome + 1 == windowSize ? 0 : nextOutcome + 1;
  }

  private static void requireNonNegative(long value, String name) {
    if (value < 0) {
      throw new IllegalArgumentException(name + " must not be negative, got " + value);
    }
  }
}
