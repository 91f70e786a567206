package io.modelship.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crdv2.generator.CRDGenerator;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Generates each CRD from the Java types and compares it with the committed copy in crds/, so a
 * change to the types cannot ship with a stale CRD. Refresh with {@code ./mvnw -pl api verify
 * -Dcrds.update=true}.
 */
class CrdIsCurrentTest {

  @ParameterizedTest
  @ValueSource(classes = {ModelDeployment.class, RuntimeReport.class, ModelPackageReference.class})
  void committedCrdMatchesTheTypes(Class<? extends CustomResource<?, ?>> type) throws IOException {
    String file = CustomResource.getCRDName(type) + "-v1.yml";
    Path generatedDir = Path.of(System.getProperty("crds.generated.dir", "target/crds"));
    Path committed = Path.of(System.getProperty("crds.dir", "../crds")).resolve(file);
    Files.createDirectories(generatedDir);

    new CRDGenerator()
        .inOutputDir(generatedDir.toFile())
        .forCRDVersions("v1")
        .customResourceClasses(type)
        .generate();
    String generated = columnsAsDeclared(type, Files.readString(generatedDir.resolve(file)));

    if (Boolean.getBoolean("crds.update")) {
      Files.createDirectories(committed.getParent());
      Files.writeString(committed, generated);
    }
    String current = Files.exists(committed) ? Files.readString(committed) : "";
    assertThat(current)
        .as("%s is stale: regenerate it with ./mvnw -pl api verify -Dcrds.update=true", committed)
        .isEqualTo(generated);
  }

  /**
   * The generator orders printer columns by JSON path, which puts AGE first; kubectl convention
   * (and the contract) wants the order the type declares them in.
   */
  static String columnsAsDeclared(Class<?> type, String yaml) {
    List<String> declared =
        Arrays.stream(type.getAnnotationsByType(AdditionalPrinterColumn.class))
            .map(AdditionalPrinterColumn::name)
            .toList();
    CustomResourceDefinition crd = Serialization.unmarshal(yaml, CustomResourceDefinition.class);
    for (var version : crd.getSpec().getVersions()) {
      var columns = new ArrayList<>(version.getAdditionalPrinterColumns());
      columns.sort(
          Comparator.comparing(
              (CustomResourceColumnDefinition c) -> declared.indexOf(c.getName())));
      version.setAdditionalPrinterColumns(columns);
    }
    return "# Generated from "
        + type.getName()
        + " by CrdIsCurrentTest; do not edit.\n"
        + Serialization.asYaml(crd);
  }
}
