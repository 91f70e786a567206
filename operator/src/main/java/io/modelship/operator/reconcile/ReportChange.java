package io.modelship.operator.reconcile;

import io.modelship.api.v1alpha1.RuntimeReport;
import io.modelship.api.v1alpha1.report.RuntimeReportSpec;
import java.util.Objects;

/**
 * Which RuntimeReport updates wake the operator at once. A pod rewrites its report every interval
 * with new counts; reconciling each one would aggregate every pod's histograms a hundred times per
 * interval for a status written at most once. Counts are read from the informer's cache by the
 * reconcile the operator schedules once per interval; an update that can flip a condition
 * (readiness, a load error, the pod's own drift verdict, a new version or package, who owns it) is
 * reconciled immediately. Reports created or deleted always are. (Package references are a kind of
 * their own, whose every change wakes the operator.)
 */
public final class ReportChange {

  private ReportChange() {}

  public static boolean reconcileAtOnce(RuntimeReport now, RuntimeReport before) {
    if (now == null || before == null) {
      return true;
    }
    if (!Objects.equals(now.getMetadata().getLabels(), before.getMetadata().getLabels())
        || !Objects.equals(
            now.getMetadata().getOwnerReferences(), before.getMetadata().getOwnerReferences())) {
      return true;
    }
    RuntimeReportSpec a = now.getSpec();
    RuntimeReportSpec b = before.getSpec();
    if (a == null || b == null) {
      return a != b;
    }
    return !Objects.equals(a.getReady(), b.getReady())
        || !Objects.equals(a.getModelLoaded(), b.getModelLoaded())
        || !Objects.equals(a.getLoadError(), b.getLoadError())
        || !Objects.equals(a.getVersion(), b.getVersion())
        || !Objects.equals(a.getPackageSha256(), b.getPackageSha256())
        || !Objects.equals(a.getDriftStatus(), b.getDriftStatus());
  }
}
