package io.modelship.operator.reports;

import io.modelship.api.v1alpha1.ModelPackageReference;
import io.modelship.api.v1alpha1.report.BinnedCounts;
import io.modelship.api.v1alpha1.report.RuntimeReportSpec;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Pods' reports carry only counts; the bins' edges, labels and reference fractions are a property
 * of the package, held once per package sha256 in a {@link ModelPackageReference} ({@code
 * <md>-ref-<sha12>}) that the first pod of the package creates, owned by the ModelDeployment. This
 * joins the two so the aggregation can score merged counts. A reference counts only when owned by
 * this ModelDeployment (UID).
 */
public final class ReportReferences {

  private ReportReferences() {}

  /**
   * The reports with their bins completed from the reference of their package, where there is one.
   */
  public static Map<String, RuntimeReportSpec> attach(
      Map<String, RuntimeReportSpec> reports,
      Collection<ModelPackageReference> references,
      String modelDeploymentUid) {
    var result = new TreeMap<String, RuntimeReportSpec>();
    reports.forEach(
        (pod, report) ->
            result.put(
                pod,
                reference(report, references, modelDeploymentUid)
                    .map(ref -> completed(report, ref))
                    .orElse(report)));
    return result;
  }

  private static Optional<RuntimeReportSpec> reference(
      RuntimeReportSpec report, Collection<ModelPackageReference> references, String uid) {
    if (report.getPackageSha256() == null) {
      return Optional.empty();
    }
    return references.stream()
        .filter(
            r ->
                r.getSpec() != null
                    && report.getPackageSha256().equals(r.getSpec().getPackageSha256()))
        .filter(
            r ->
                Objects.requireNonNullElse(
                        r.getMetadata().getOwnerReferences(),
                        List.<io.fabric8.kubernetes.api.model.OwnerReference>of())
                    .stream()
                    .anyMatch(
                        o ->
                            "ModelDeployment".equals(o.getKind())
                                && Objects.equals(uid, o.getUid())))
        .map(ModelPackageReference::getSpec)
        .findFirst();
  }

  /**
   * A copy with the bins completed; the report itself is the informer's cached object and stays as
   * the pod wrote it (validation compares pods' reports as written).
   */
  private static RuntimeReportSpec completed(
      RuntimeReportSpec written, RuntimeReportSpec reference) {
    RuntimeReportSpec report = shallowCopy(written);
    if (report.getFeatureCounts() != null
        && reference.getFeatures() != null
        && report.getFeatureCounts().size() == reference.getFeatures().size()) {
      // Counts come in the reference's feature order; the names are the reference's.
      var features = new LinkedHashMap<String, BinnedCounts>();
      var counts = report.getFeatureCounts().iterator();
      reference
          .getFeatures()
          .forEach(
              (name, bins) -> {
                var c = new BinnedCounts();
                c.setCounts(counts.next());
                features.put(name, completed(c, bins));
              });
      report.setFeatures(features);
      report.setFeatureCounts(null);
    } else if (report.getFeatures() != null && reference.getFeatures() != null) {
      var features = new LinkedHashMap<String, BinnedCounts>();
      report
          .getFeatures()
          .forEach(
              (name, bins) ->
                  features.put(name, completed(bins, reference.getFeatures().get(name))));
      report.setFeatures(features);
    }
    if (report.getPrediction() != null) {
      report.setPrediction(completed(report.getPrediction(), reference.getPrediction()));
    }
    if (report.getAccuracyBaseline() == null) {
      report.setAccuracyBaseline(reference.getAccuracyBaseline());
    }
    return report;
  }

  /** Every field of the spec, whatever fields it gains, copied by reference. */
  static RuntimeReportSpec shallowCopy(RuntimeReportSpec report) {
    var copy = new RuntimeReportSpec();
    try {
      for (var field : RuntimeReportSpec.class.getDeclaredFields()) {
        if (!java.lang.reflect.Modifier.isStatic(field.getModifiers())) {
          field.setAccessible(true);
          field.set(copy, field.get(report));
        }
      }
    } catch (IllegalAccessException e) {
      throw new IllegalStateException("cannot copy a RuntimeReportSpec", e);
    }
    return copy;
  }

  private static BinnedCounts completed(BinnedCounts counts, BinnedCounts reference) {
    if (reference == null || (counts.getReference() != null && !counts.getReference().isEmpty())) {
      return counts;
    }
    var bins = new BinnedCounts();
    bins.setEdges(reference.getEdges());
    bins.setLabels(reference.getLabels());
    bins.setReference(reference.getReference());
    bins.setCounts(counts.getCounts());
    return bins;
  }
}
