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
 * One serving pod's report about itself, written only by that pod, named after it and owned by it
 * (so Kubernetes deletes it with the pod). The operator reads these and never writes them. A
 * package's reference distributions are a {@link ModelPackageReference}, not a report.
 */
@Group(ModelDeployment.GROUP)
@Version(ModelDeployment.VERSION)
@Plural("runtimereports")
@Singular("runtimereport")
@ShortNames({"rr"})
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
    name = "READY",
    jsonPath = ".spec.ready",
    type = AdditionalPrinterColumn.Type.BOOLEAN)
@AdditionalPrinterColumn(
    name = "REQUESTS",
    jsonPath = ".spec.requestCount",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "ERRORS",
    jsonPath = ".spec.errorCount",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "P99-MS",
    jsonPath = ".spec.latencyP99Ms",
    type = AdditionalPrinterColumn.Type.NUMBER)
@AdditionalPrinterColumn(
    name = "DRIFT",
    jsonPath = ".spec.driftStatus",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "AGE",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class RuntimeReport extends CustomResource<RuntimeReportSpec, Void> implements Namespaced {

  /** Label naming the ModelDeployment the reporting pod serves. */
  public static final String LABEL_DEPLOYMENT = "modelship.io/deployment";

  /** Label naming the model version the reporting pod serves. */
  public static final String LABEL_VERSION = "modelship.io/version";
}
