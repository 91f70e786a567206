package io.modelship.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.crdv2.generator.CRDGenerator;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.Comparator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Generates the CRD from the Java types and compares it with the committed copy in crds/, so a
 * change to the types cannot ship with a stale CRD. Refresh with
 * {@code ./mvnw -pl api verify -Dcrds.update=true}.
 */
class CrdIsCurrentTest {

  static final String FILE = "modeldeployments.modelship.io-v1.yml";

  @Test
  void committedCrdMatchesTheTypes() throws IOException {
    Path generatedDir = Path.of(System.getProperty("crds.generated.dir", "target/crds"));
    Path committed = Path.of(System.getProperty("crds.dir", "../crds")).resolve(FILE);
    Files.createDirectories(generatedDir);

    new CRDGenerator()
        .inOutputDir(generatedDir.toFile())
        .forCRDVersions("v1")
        .customResourceClasses(ModelDeployment.class)
        .generate();
    String generated = ageLast(Files.readString(generatedDir.resolve(FILE)));

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
   * The generator orders printer columns by JSON path; the contract's order (MODEL, VERSION, …,
   * AGE last) is the order the annotations are declared in.
   */
  static String ageLast(String yaml) {
    CustomResourceDefinition crd = Serialization.unmarshal(yaml, CustomResourceDefinition.class);
    var declared = java.util.Arrays.stream(ModelDeployment.class.getAnnotationsByType(
            io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.class))
        .map(io.fabric8.crd.generator.annotation.AdditionalPrinterColumn::name).toList();
    for (var version : crd.getSpec().getVersions()) {
      var columns = new ArrayList<>(version.getAdditionalPrinterColumns());
      columns.sort(Comparator.comparing((CustomResourceColumnDefinition c) -> declared.indexOf(c.getName())));
      version.setAdditionalPrinterColumns(columns);
    }
    return "# Generated from io.modelship.api.v1alpha1.ModelDeployment by CrdIsCurrentTest; do not edit.\n"
        + Serialization.asYaml(crd);
  }
}
