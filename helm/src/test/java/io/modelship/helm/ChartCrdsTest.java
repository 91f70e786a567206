package io.modelship.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The chart ships the CRDs as templates (templates/crds/), not in a crds/ folder, because Helm
 * installs a chart's crds/ folder once and never upgrades it. Each template is crds/ plus two
 * switches and nothing else; it is generated from crds/ ({@code -Dchart.update=true} rewrites it).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChartCrdsTest {

  static final Path TEMPLATES = Chart.DIR.resolve("templates").resolve("crds");

  static List<Path> crds() {
    try (Stream<Path> files = Files.list(Chart.CRDS)) {
      return files
          .filter(f -> f.toString().endsWith(".yml") || f.toString().endsWith(".yaml"))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Path templateOf(Path crd) {
    String name = crd.getFileName().toString();
    return TEMPLATES.resolve(name.substring(0, name.lastIndexOf('.')) + ".yaml");
  }

  /**
   * crds/ with the CRD behind crds.install and, under crds.keep, the annotation that keeps it on
   * uninstall.
   */
  static String template(Path crd) throws IOException {
    String source = Files.readString(crd);
    if (source.contains("{{") || source.contains("}}")) {
      throw new IllegalStateException(
          crd + " contains template delimiters; escape them in the generator first");
    }
    var out =
        new StringBuilder("{{- if .Values.crds.install }}\n")
            .append("# Generated from crds/")
            .append(crd.getFileName())
            .append(" by ChartCrdsTest; do not edit.\n")
            .append(
                "# Refresh with ./mvnw -pl helm -am verify -Dtest=ChartCrdsTest -Dsurefire.failIfNoSpecifiedTests=false -Dchart.update=true\n");
    boolean inMetadata = false;
    boolean annotated = false;
    for (String line : source.lines().toList()) {
      if (line.startsWith("#") || line.equals("---")) {
        continue; // the source's own header; the document starts here
      }
      if (inMetadata && line.startsWith("  annotations:")) {
        throw new IllegalStateException(
            crd + " has annotations of its own; merge them with the keep annotation");
      }
      out.append(line).append('\n');
      if (line.equals("metadata:")) {
        inMetadata = true;
      } else if (inMetadata && !annotated && line.startsWith("  name:")) {
        out.append("  {{- if .Values.crds.keep }}\n")
            .append("  annotations:\n")
            .append("    # helm uninstall leaves the CRD, and with it every ModelDeployment.\n")
            .append("    helm.sh/resource-policy: keep\n")
            .append("  {{- end }}\n");
        annotated = true;
      } else if (!line.startsWith(" ")) {
        inMetadata = false;
      }
    }
    if (!annotated) {
      throw new IllegalStateException(crd + " has no metadata.name line");
    }
    return out.append("{{- end }}\n").toString();
  }

  // First, so that with -Dchart.update=true the render below reads the refreshed templates.
  @Order(1)
  @ParameterizedTest
  @MethodSource("crds")
  void eachTemplateIsGeneratedFromCrds(Path crd) throws IOException {
    String expected = template(crd);
    Path template = templateOf(crd);
    if (Chart.update()) {
      Files.createDirectories(TEMPLATES);
      Files.writeString(template, expected);
    }
    assertThat(Files.exists(template) ? Files.readString(template) : "")
        .as("%s is stale: refresh it with -Dchart.update=true", template)
        .isEqualTo(expected);
  }

  @Test
  void noTemplateWithoutItsCrd() throws IOException {
    var expected =
        crds().stream()
            .map(ChartCrdsTest::templateOf)
            .map(Path::getFileName)
            .map(Path::toString)
            .toList();
    try (Stream<Path> files = Files.list(TEMPLATES)) {
      assertThat(files.map(f -> f.getFileName().toString()).toList())
          .containsExactlyInAnyOrderElementsOf(expected);
    }
  }

  @Test
  void renderedCrdsAreTheCommittedOnesWithTheKeepAnnotation() throws IOException {
    List<CustomResourceDefinition> rendered =
        Chart.ofKind(Chart.render(Map.of()), CustomResourceDefinition.class);

    var committed = new ArrayList<CustomResourceDefinition>();
    for (Path crd : crds()) {
      committed.add(Serialization.unmarshal(Files.readString(crd), CustomResourceDefinition.class));
    }
    assertThat(rendered)
        .allSatisfy(
            crd ->
                assertThat(crd.getMetadata().getAnnotations())
                    .containsExactlyEntriesOf(Map.of("helm.sh/resource-policy", "keep")));
    rendered.forEach(crd -> crd.getMetadata().setAnnotations(new java.util.LinkedHashMap<>()));
    committed.forEach(crd -> crd.getMetadata().setAnnotations(new java.util.LinkedHashMap<>()));
    assertThat(rendered).containsExactlyInAnyOrderElementsOf(committed);
  }

  @Test
  void crdsCanBeLeftOutOrLeftToUninstall() {
    assertThat(
            Chart.ofKind(
                Chart.render(Map.of("crds.install", false)), CustomResourceDefinition.class))
        .isEmpty();
    List<HasMetadata> unkept = Chart.render(Map.of("crds.keep", false));
    assertThat(Chart.ofKind(unkept, CustomResourceDefinition.class))
        .hasSize(crds().size())
        .allSatisfy(crd -> assertThat(crd.getMetadata().getAnnotations()).isNullOrEmpty());
  }
}
