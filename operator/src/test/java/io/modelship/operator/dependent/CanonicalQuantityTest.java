package io.modelship.operator.dependent;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CanonicalQuantityTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "0.5, 500m",
    "250m, 250m",
    "1000m, 1",
    "2, 2",
    "1.5, 1500m",
    "0.0001, 100u",
    "1024Mi, 1Gi",
    "1536Mi, 1536Mi",
    "1.5Gi, 1536Mi",
    "512Mi, 512Mi",
    "1Gi, 1Gi",
    "1000M, 1G",
    "1000000, 1M",
    "1e3, 1k",
    "0, 0",
  })
  void writesWhatTheServerStores(String written, String stored) {
    assertThat(CanonicalQuantity.of(new Quantity(written)).toString()).isEqualTo(stored);
  }

  @Test
  void canonicalisesRequirements() {
    var resources =
        CanonicalQuantity.of(
            new ResourceRequirementsBuilder()
                .addToRequests("cpu", new Quantity("0.25"))
                .addToLimits("memory", new Quantity("2048Mi"))
                .build());
    assertThat(resources.getRequests().get("cpu").toString()).isEqualTo("250m");
    assertThat(resources.getLimits().get("memory").toString()).isEqualTo("2Gi");
  }
}
