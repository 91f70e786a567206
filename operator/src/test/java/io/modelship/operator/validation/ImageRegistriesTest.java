package io.modelship.operator.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelship.api.v1alpha1.spec.RuntimeSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ImageRegistriesTest {

  static final ImageRegistries ALLOWED =
      ImageRegistries.parse(" ghcr.io/modelship/ , registry.example.com");

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "ghcr.io/modelship/serving-runtime:0.1.0, true",
    "ghcr.io/modelship/team/runtime@sha256:abcd, true",
    "ghcr.io/modelship:1.0, true",
    "GHCR.io/modelship/serving-runtime:0.1.0, true",
    "registry.example.com/anything/runtime:2, true",
    "ghcr.io/modelship-evil/serving-runtime:0.1.0, false",
    "ghcr.io/modelshipx:1.0, false",
    "ghcr.io/other/serving-runtime:0.1.0, false",
    "registry.example.com.evil.io/runtime:1, false",
    "registry.example.com:5000/runtime:1, false",
    "registry.example.com, false",
    "evil.io/ghcr.io/modelship/runtime:1, false",
    "serving-runtime:0.1.0, false"
  })
  void prefixesMatchOnAPathBoundary(String image, boolean allowed) {
    assertThat(ALLOWED.allows(image)).isEqualTo(allowed);
  }

  @Test
  void offByDefault() {
    assertThat(ImageRegistries.parse("").allows("docker.io/anyone/anything:latest")).isTrue();
    assertThat(ImageRegistries.parse(null).problem(image("evil.io/x:1"))).isEmpty();
  }

  @Test
  void theRefusalNamesTheImageAndTheAllowedPrefixes() {
    var problem = ALLOWED.problem(image("evil.io/miner:1")).orElseThrow();
    assertThat(problem.reason()).isEqualTo("ImageNotAllowed");
    assertThat(problem.message())
        .contains("evil.io/miner:1")
        .contains("ghcr.io/modelship, registry.example.com");
    assertThat(ALLOWED.problem(new RuntimeSpec()))
        .as("the operator's default image is the platform's choice")
        .isEmpty();
  }

  static RuntimeSpec image(String image) {
    var runtime = new RuntimeSpec();
    runtime.setImage(image);
    return runtime;
  }
}
