package io.modelship.runtime.monitoring;

/**
 * A regressor's error summed over every feedback since start, not only the rolling window: the form
 * pods report, because sums of different pods (and of one pod over time) add up where MAEs do not.
 *
 * @param count feedbacks scored
 * @param absoluteErrorSum sum of |predicted - true|
 * @param squaredErrorSum sum of (predicted - true)^2
 * @param baselineMae MAE from the package; null if it has none
 * @param baselineRmse RMSE from the package; null if it has none
 */
public record ErrorTotals(
    long count,
    double absoluteErrorSum,
    double squaredErrorSum,
    Double baselineMae,
    Double baselineRmse) {}
