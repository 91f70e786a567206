package io.modelship.operator.reports;

import java.util.Optional;

/**
 * A regressor's error summed over the pods of one version: the pods report cumulative sums, which
 * add up, where their MAEs would not.
 *
 * @param count feedbacks with a true value, summed over pods
 * @param absoluteErrorSum sum of |predicted - true| over pods
 * @param squaredErrorSum sum of (predicted - true)^2 over pods
 * @param baselineMae MAE from the package, if reported
 * @param baselineRmse RMSE from the package, if reported
 */
public record ErrorAggregate(
    long count,
    double absoluteErrorSum,
    double squaredErrorSum,
    Double baselineMae,
    Double baselineRmse) {

  public static final ErrorAggregate NONE = new ErrorAggregate(0, 0, 0, null, null);

  public Optional<Double> mae() {
    return count == 0 ? Optional.empty() : Optional.of(absoluteErrorSum / count);
  }

  public Optional<Double> rmse() {
    return count == 0 ? Optional.empty() : Optional.of(Math.sqrt(squaredErrorSum / count));
  }

  /** Adds one pod's report (null fields count as nothing reported). */
  ErrorAggregate plus(
      Long podCount,
      Double podAbsolute,
      Double podSquared,
      Double podBaselineMae,
      Double podBaselineRmse) {
    return new ErrorAggregate(
        count + (podCount == null ? 0 : podCount),
        absoluteErrorSum + (podAbsolute == null ? 0 : podAbsolute),
        squaredErrorSum + (podSquared == null ? 0 : podSquared),
        baselineMae != null ? baselineMae : podBaselineMae,
        baselineRmse != null ? baselineRmse : podBaselineRmse);
  }
}
