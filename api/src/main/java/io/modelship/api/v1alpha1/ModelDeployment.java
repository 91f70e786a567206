package io.modelship.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;
import io.modelship.api.v1alpha1.spec.ModelDeploymentSpec;
import io.modelship.api.v1alpha1.status.ModelDeploymentStatus;

/** One served model: the operator turns it into Deployments, a Service, an HPA and a PDB. */
@Group(ModelDeployment.GROUP)
@Version(ModelDeployment.VERSION)
@Plural("modeldeployments")
@Singular("modeldeployment")
@ShortNames({"md", "mdep"})
@Categories({"all", "modelship"})
@ValidationRule(value = "has(self.spec)", message = "spec is required")
// The name becomes Service names (DNS-1035 labels, with "-preview" appended) and label values.
@ValidationRule(
    value =
        "self.metadata.name.matches('^[a-z]([-a-z0-9]*[a-z0-9])?$') && size(self.metadata.name) <= 55",
    message =
        "metadata.name must be a DNS-1035 label of at most 55 characters (it names Services, with -preview appended)")
@AdditionalPrinterColumn(
    name = "MODEL",
    jsonPath = ".status.modelName",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "VERSION",
    jsonPath = ".spec.model.version",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "STRATEGY",
    jsonPath = ".status.strategy",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "WEIGHT",
    jsonPath = ".status.trafficWeight",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "READY",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "DRIFT",
    jsonPath = ".status.drift.status",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "PHASE",
    jsonPath = ".status.phase",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "AGE",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class ModelDeployment extends CustomResource<ModelDeploymentSpec, ModelDeploymentStatus>
    implements Namespaced {

  public static final String GROUP = "modelship.io";
  public static final String VERSION = "v1alpha1";
}
