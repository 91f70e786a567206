package io.modelship.operator.dependent;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelship.operator.harness.Manifests;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ServingNamesTest {

  private static final String DNS_LABEL = "[a-z]([-a-z0-9]*[a-z0-9])?";

  @ParameterizedTest(name = "{0}@{1} and {2}@{3} differ")
  @CsvSource({
    "iris, 1.0, iris, 1-0",
    "iris, V1, iris, v1",
    "iris, 1.0.0, iris, 1_0_0",
    "a, b-c, a-b, c",
    "a, 1.0, a-1, 0",
    "a-rather-long-model-deployment-name, 2024.11.22-build.1234567890, a-rather-long-model-deployment-name, 2024.11.22-build.1234567891",
    "a-rather-long-model-deployment-name-that-fills-it-all, 1.0.0, a-rather-long-model-deployment-name-that-fills-it-all, 2.0.0",
  })
  void distinctResourceAndVersionPairsGetDistinctNames(
      String name, String version, String otherName, String otherVersion) {
    String one = ServingNames.versionChildName(name, version);
    String other = ServingNames.versionChildName(otherName, otherVersion);
    assertThat(one).isNotEqualTo(other);
    assertThat(List.of(one, other))
        .allSatisfy(
            n ->
                assertThat(n)
                    .hasSizeLessThanOrEqualTo(ServingNames.MAX_DEPLOYMENT_NAME)
                    .matches(DNS_LABEL));
  }

  @Test
  void namesStayReadableAndStable() {
    var md = Manifests.iris("ml", "iris", "2.0.0");
    String name = ServingNames.deploymentName(md, "2.0.0");
    assertThat(name)
        .startsWith("iris-2-0-0-")
        .hasSize("iris-2-0-0-".length() + ServingNames.HASH_LENGTH);
    assertThat(ServingNames.deploymentName(Manifests.iris("other-ns", "iris", "1.0.0"), "2.0.0"))
        .as("the name depends only on the resource's name and the version")
        .isEqualTo(name);
  }

  @Test
  void manyVersionsOfManyResourcesNeverShareAName() {
    var names = new HashSet<String>();
    String[] resources = {"a", "a-b", "a-b-c", "iris", "iris-1", "iris-1-0"};
    String[] versions = {
      "1", "1.0", "1-0", "1_0", "V1", "v1", "0", "b-c", "c", "1.0.0", "0-0", "0.0"
    };
    for (String resource : resources) {
      for (String version : versions) {
        assertThat(names.add(ServingNames.versionChildName(resource, version)))
            .as("%s@%s", resource, version)
            .isTrue();
      }
    }
  }

  @Test
  void childrenHaveAControllerOwnerReference() {
    var md = Manifests.iris("ml", "iris", "1.0.0");
    md.getMetadata().setUid("u-1");
    var owner = ServingNames.childMetadata(md, "iris").getOwnerReferences();
    assertThat(owner)
        .singleElement()
        .satisfies(
            ref -> {
              assertThat(ref.getUid()).isEqualTo("u-1");
              assertThat(ref.getKind()).isEqualTo("ModelDeployment");
              assertThat(ref.getController()).isTrue();
              assertThat(ref.getBlockOwnerDeletion()).isTrue();
            });
  }
}
