package io.modelship.runtime.monitoring;

import io.modelship.drift.DriftStatus;

/**
 * Rolling error of a regressor from ground-truth feedback compared with the error measured when the
 * package was made. Unknown values are null so the record serialises to plain JSON.
 *
 * @param windowCount feedbacks in the rolling window
 * @param mae mean absolute error over the window (Et); null before any feedback
 * @param rmse root mean squared error over the window; null before any feedback
 * @param baselineMae MAE from the package (E0); null if the package has none
 * @param baselineRmse RMSE from the package; null if the package has none
 * @param change (Et - E0) / E0, the relative change of the MAE; null if either is unknown
 * @param maxChange how far the MAE may move, relative to E0, before {@code alert}
 * @param alert |Et - E0| / E0 > maxChange — the accuracy rule, relative because errors have units;
 *     false while either is unknown or below {@code minSamples}
 * @param totalFeedback feedbacks counted since start
 * @param unknownFeedback feedbacks ignored because the request id was unknown or evicted
 * @param duplicateFeedback feedbacks ignored because the request already had one
 * @param status InsufficientData below {@code minSamples} feedbacks (or without E0), else Normal or
 *     Alert
 * @param minSamples feedbacks the window needs before a verdict ({@code ACCURACY_MIN_SAMPLES})
 */
public record ErrorSnapshot(
    int windowCount,
    Double mae,
    Double rmse,
    Double baselineMae,
    Double baselineRmse,
    Double change,
    double maxChange,
    boolean alert,
    long totalFeedback,
    long unknownFeedback,
    long duplicateFeedback,
    DriftStatus status,
    int minSamples) {}
