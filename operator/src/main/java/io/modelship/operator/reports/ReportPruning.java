package io.modelship.operator.reports;

import io.modelship.api.v1alpha1.status.RuntimeReport;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which {@code status.runtimeReports} entries the operator removes: those of pods that no longer
 * exist, and those not refreshed for {@link #SILENT_INTERVALS} report intervals.
 */
public final class ReportPruning {

  public static final int SILENT_INTERVALS = 3;

  private ReportPruning() {}

  public static Set<String> stale(
      Map<String, RuntimeReport> reports, Set<String> livePods, Instant now, Duration interval) {
    Instant silentSince = now.minus(interval.multipliedBy(SILENT_INTERVALS));
    var stale = new TreeSet<String>();
    reports.forEach(
        (pod, report) -> {
          if (!livePods.contains(pod) || report == null || reportedBefore(report, silentSince)) {
            stale.add(pod);
          }
        });
    return stale;
  }

  private static boolean reportedBefore(RuntimeReport report, Instant limit) {
    if (report.getReportTime() == null) {
      return true;
    }
    try {
      return Instant.parse(report.getReportTime()).isBefore(limit);
    } catch (DateTimeParseException e) {
      return true;
    }
  }
}
