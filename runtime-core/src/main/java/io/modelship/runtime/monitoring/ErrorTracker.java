package io.modelship.runtime.monitoring;

import io.modelship.drift.DriftStatus;
import java.util.Arrays;

/**
 * Rolling MAE and RMSE of a regressor's live predictions from ground truth sent back later by
 * request id, with an alert when the MAE moves more than {@code maxChange} (relative) from the
 * package's baseline. Memory is bounded by its two capacities, as for {@link AccuracyTracker}, and
 * like it no verdict is given (InsufficientData, never an alert) before {@code minSamples}
 * feedbacks.
 */
public final class ErrorTracker {

  private final double baselineMae;
  private final double baselineRmse;
  private final double maxChange;
  private final int windowSize;
  private final int minSamples;

  private final Object lock = new Object();
  private final long[] sequences;
  private final double[] predictedValues;
  private final boolean[] answered;
  private final double[] absoluteErrors;
  private int next;
  private int windowCount;
  private double absoluteSum;
  private double squaredSum;
  private long totalFeedback;
  private double totalAbsolute;
  private double totalSquared;
  private long unknownFeedback;
  private long duplicateFeedback;

  /**
   * @param baselineMae MAE measured when packaging (NaN when unknown)
   * @param baselineRmse RMSE measured when packaging (NaN when unknown)
   * @param maxChange how far, relative to the baseline MAE, the rolling MAE may move before
   *     alerting
   * @param rememberedPredictions how many recent predictions can still receive feedback
   * @param windowSize how many of the latest feedbacks the rolling error covers
   * @param minSamples feedbacks the window needs before a verdict ({@code ACCURACY_MIN_SAMPLES})
   */
  public ErrorTracker(
      double baselineMae,
      double baselineRmse,
      double maxChange,
      int rememberedPredictions,
      int windowSize,
      int minSamples) {
    if (!(maxChange >= 0) || !Double.isFinite(maxChange)) {
      throw new IllegalArgumentException(
          "maxChange must be a finite non-negative number, got " + maxChange);
    }
    if (rememberedPredictions < 1 || windowSize < 1) {
      throw new IllegalArgumentException("rememberedPredictions and windowSize must be at least 1");
    }
    if (minSamples < 0 || minSamples > windowSize) {
      throw new IllegalArgumentException(
          "minSamples must be within 0.." + windowSize + ", got " + minSamples);
    }
    this.minSamples = minSamples;
    this.baselineMae = baselineMae;
    this.baselineRmse = baselineRmse;
    this.maxChange = maxChange;
    this.windowSize = windowSize;
    this.sequences = new long[rememberedPredictions];
    Arrays.fill(sequences, -1);
    this.predictedValues = new double[rememberedPredictions];
    this.answered = new boolean[rememberedPredictions];
    this.absoluteErrors = new double[windowSize];
  }

  public void remember(long sequence, double value) {
    int slot = (int) (sequence % sequences.length);
    synchronized (lock) {
      if (sequences[slot] <= sequence) {
        sequences[slot] = sequence;
        predictedValues[slot] = value;
        answered[slot] = false;
      }
    }
  }

  /**
   * Remembers a batch as {@link #remember} would each row, under one lock: request {@code
   * firstSequence + i} predicted {@code values[i]}.
   */
  public void rememberAll(long firstSequence, double[] values) {
    synchronized (lock) {
      for (int i = 0; i < values.length; i++) {
        long sequence = firstSequence + i;
        int slot = (int) (sequence % sequences.length);
        if (sequences[slot] <= sequence) {
          sequences[slot] = sequence;
          predictedValues[slot] = values[i];
          answered[slot] = false;
        }
      }
    }
  }

  /** Scores the true value of an earlier request; unknown and repeated ones change nothing. */
  public ValueFeedback feedback(long sequence, double trueValue) {
    int slot = (int) (sequence % sequences.length);
    synchronized (lock) {
      if (sequence < 0 || sequences[slot] != sequence) {
        unknownFeedback++;
        return ValueFeedback.unknownRequest();
      }
      double predicted = predictedValues[slot];
      if (answered[slot]) {
        duplicateFeedback++;
        return ValueFeedback.duplicate(predicted);
      }
      answered[slot] = true;
      add(predicted - trueValue);
      return ValueFeedback.recorded(predicted, predicted - trueValue);
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

  /** Scores a prediction another replica made, known only from the value its request id carries. */
  public ValueFeedback feedbackFromElsewhere(double predicted, double trueValue) {
    synchronized (lock) {
      add(predicted - trueValue);
    }
    return ValueFeedback.recorded(predicted, predicted - trueValue);
  }

  /** Counts a repeated feedback for another replica's request id: nothing else changes. */
  public ValueFeedback duplicateFromElsewhere(double predicted) {
    synchronized (lock) {
      duplicateFeedback++;
    }
    return ValueFeedback.duplicate(predicted);
  }

  public ValueFeedback unknownRequest() {
    synchronized (lock) {
      unknownFeedback++;
    }
    return ValueFeedback.unknownRequest();
  }

  public ErrorSnapshot snapshot() {
    int count;
    double abs;
    double sq;
    long total;
    long unknown;
    long duplicates;
    synchronized (lock) {
      count = windowCount;
      abs = absoluteSum;
      sq = squaredSum;
      total = totalFeedback;
      unknown = unknownFeedback;
      duplicates = duplicateFeedback;
    }
    Double mae = count == 0 ? null : Math.max(0, abs) / count;
    Double rmse = count == 0 ? null : Math.sqrt(Math.max(0, sq) / count);
    Double e0 = Double.isFinite(baselineMae) ? baselineMae : null;
    Double change = mae == null || e0 == null || e0 == 0 ? null : (mae - e0) / e0;
    boolean enough = count >= minSamples;
    boolean alert = enough && change != null && Math.abs(change) > maxChange;
    DriftStatus status =
        !enough || change == null
            ? DriftStatus.InsufficientData
            : alert ? DriftStatus.Alert : DriftStatus.Normal;
    return new ErrorSnapshot(
        count,
        mae,
        rmse,
        e0,
        Double.isFinite(baselineRmse) ? baselineRmse : null,
        change,
        maxChange,
        alert,
        total,
        unknown,
        duplicates,
        status,
        minSamples);
  }

  /** The error summed over every feedback since start, for the pod's report. */
  public ErrorTotals totals() {
    synchronized (lock) {
      return new ErrorTotals(
          totalFeedback,
          totalAbsolute,
          totalSquared,
          Double.isFinite(baselineMae) ? baselineMae : null,
          Double.isFinite(baselineRmse) ? baselineRmse : null);
    }
  }

  private void add(double error) {
    double abs = Math.abs(error);
    if (windowCount == windowSize) {
      double old = absoluteErrors[next];
      absoluteSum -= old;
      squaredSum -= old * old;
    } else {
      windowCount++;
    }
    absoluteErrors[next] = abs;
    absoluteSum += abs;
    squaredSum += abs * abs;
    totalFeedback++;
    totalAbsolute += abs;
    totalSquared += abs * abs;
    next = next + 1 == windowSize ? 0 : next + 1;
  }
}
