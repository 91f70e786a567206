package io.modelship.runtime.monitoring;

import io.modelship.drift.DriftStatus;

/**
 * Rolling accuracy from ground-truth feedback compared with the accuracy measured at training.
 * Values that cannot be known yet are null rather than NaN so the record serialises to plain JSON.
 *
 * @param windowCount feedbacks in the rolling window
 * @param accuracy share of correct predictions in the window (At); null before any feedback
 * @param trainingAccuracy holdout accuracy from the model package (A0); null if the package has
 *     none
 * @param drop A0 - At; negative when live accuracy is higher; null if either is unknown
 * @param maxDrop how far At may move from A0 before {@code alert}
 * @param alert |A0 - At| > maxDrop; false while either is unknown or below {@code minSamples}
 * @param totalFeedback feedbacks counted since start
 * @param totalCorrect of those, how many matched the prediction
 * @param unknownFeedback feedbacks ignored because the request id was unknown or evicted
 * @param duplicateFeedback feedbacks ignored because the request already had one
 * @param status InsufficientData below {@code minSamples} feedbacks (or without A0), else Normal or
 *     Alert
 * @param minSamples feedbacks the window needs before a verdict ({@code ACCURACY_MIN_SAMPLES})
 */
public record AccuracySnapshot(
    int windowCount,
    Double accuracy,
    Double trainingAccuracy,
    Double drop,
    double maxDrop,
    boolean alert,
    long totalFeedback,
    long totalCorrect,
    long unknownFeedback,
    long duplicateFeedback,
    DriftStatus status,
    int minSamples) {}
