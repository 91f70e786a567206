package io.modelship.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;
import io.modelship.api.v1alpha1.report.RuntimeReportSpec;

/**
 * The reference distributions of one model package: the bins' edges, labels and reference fractions
 * the operator scores the pods' counts against, and no counts of its own. Named {@link #name}
 * ({@code <md>-ref-<sha12>}), labelled with the deployment and version like a {@link
 * RuntimeReport}, owned by the ModelDeployment (so Kubernetes deletes it with the resource) and
 * signed with the deployment's report key like a pod's report ({@link
 * io.modelship.api.v1alpha1.report.ReportSignature}). The first pod serving the package creates it;
 * the operator reads it, keeps it while pods serve the package, and deletes it when none does.
 *
 * <p>A kind of its own rather than a RuntimeReport, so {@code kubectl get runtimereports} lists the
 * serving pods only.
 */
@Group(ModelDeployment.GROUP)
@Version(ModelDeployment.VERSION)
@Plural("modelpackagereferences")
@Singular("modelpackagereference")
@ShortNames({"mpref"})
@Categories({"modelship"})
@AdditionalPrinterColumn(
    name = "DEPLOYMENT",
    jsonPath = ".metadata.labels.modelship\\.io/deployment",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "VERSION",
    jsonPath = ".metadata.labels.modelship\\.io/version",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "SHA256",
    jsonPath = ".spec.packageSha256",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "AGE",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class ModelPackageReference extends CustomResource<RuntimeReportSpec, Void>
    implements Namespaced {

  /** Name of the reference of a package: {@code <md>-ref-<first 12 hex digits of sha256>}. */
  public static String name(String modelDeployment, String packageSha256) {
    return modelDeployment
        + "-ref-"
        + packageSha256.substring(0, Math.min(12, packageSha256.length()));
  }
}
