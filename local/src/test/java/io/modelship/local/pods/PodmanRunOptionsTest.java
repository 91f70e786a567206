package io.modelship.local.pods;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The pod spec as {@code podman run} options: what a kubelet would apply, and what it would refuse.
 */
class PodmanRunOptionsTest {

  private static final String IMAGE = "ghcr.io/modelship/serving-runtime:0.1.0";

  /** The operator's serving container (ServingDeployments), trimmed to what the runner reads. */
  private static Container serving() {
    return new ContainerBuilder()
        .withName("serving")
        .withImage(IMAGE)
        .withNewResources()
        .addToRequests("cpu", new Quantity("250m"))
        .addToLimits("memory", new Quantity("1Gi"))
        .endResources()
        .withNewSecurityContext()
        .withAllowPrivilegeEscalation(false)
        .withReadOnlyRootFilesystem(true)
        .withRunAsNonRoot(true)
        .withNewCapabilities()
        .withDrop("ALL")
        .endCapabilities()
        .withNewSeccompProfile()
        .withType("RuntimeDefault")
        .endSeccompProfile()
        .endSecurityContext()
        .addNewVolumeMount()
        .withName("tmp")
        .withMountPath("/tmp")
        .endVolumeMount()
        .build();
  }

  private static Pod pod(Container container, boolean operatorsSecurity) {
    var spec =
        new PodBuilder()
            .withNewMetadata()
            .withName("iris-1-0-0-abc")
            .withNamespace("ml")
            .withUid("u1")
            .endMetadata()
            .withNewSpec()
            .withContainers(container)
            .addNewVolume()
            .withName("tmp")
            .withNewEmptyDir()
            .withSizeLimit(new Quantity("10304Mi"))
            .endEmptyDir()
            .endVolume();
    if (operatorsSecurity) {
      spec =
          spec.withNewSecurityContext()
              .withRunAsNonRoot(true)
              .withRunAsUser(65532L)
              .withRunAsGroup(65532L)
              .withFsGroup(65532L)
              .withNewSeccompProfile()
              .withType("RuntimeDefault")
              .endSeccompProfile()
              .endSecurityContext();
    }
    return spec.endSpec().build();
  }

  @Test
  void theOperatorsServingPodBecomesANonRootReadOnlyCappedContainer() throws Exception {
    List<String> o = PodmanContainers.runOptions(pod(serving(), true), serving(), "65532:65532");
    assertThat(String.join(" ", o))
        .contains(
            "--user 65532:65532",
            "--group-add 65532",
            "--read-only --read-only-tmpfs=false",
            "--cap-drop ALL",
            "--security-opt no-new-privileges",
            "--memory 1073741824 --memory-swap 1073741824",
            "--tmpfs /tmp:rw,nosuid,nodev,mode=1777,size=" + 10304L * 1024 * 1024);
    assertThat(o)
        .as("RuntimeDefault is podman's default profile")
        .doesNotContain("seccomp=unconfined");
    assertThat(o).as("no CPU limit in the operator's default resources").doesNotContain("--cpus");
    assertThat(o)
        .as("a request is not CPU shares beside the host's processes")
        .doesNotContain("--cpu-shares");
    assertThat(o.getLast()).isEqualTo(IMAGE);
  }

  @Test
  void aCpuLimitCommandAndArgsAreApplied() throws Exception {
    Container c =
        new ContainerBuilder(serving())
            .editResources()
            .addToLimits("cpu", new Quantity("1500m"))
            .endResources()
            .withCommand("/opt/jre/bin/java")
            .withArgs("-version")
            .build();
    List<String> o = PodmanContainers.runOptions(pod(c, true), c, "65532");
    assertThat(String.join(" ", o))
        .contains("--cpus 1.5", "--entrypoint [\"/opt/jre/bin/java\"] " + IMAGE + " -version");
  }

  @Test
  void runAsNonRootWithoutRunAsUserIsCheckedAgainstTheImagesUser() throws Exception {
    Pod pod = pod(serving(), false);
    assertThatThrownBy(() -> PodmanContainers.runOptions(pod, serving(), ""))
        .isInstanceOfSatisfying(
            Containers.StartFailure.class,
            e -> assertThat(e.reason()).isEqualTo("CreateContainerConfigError"))
        .hasMessageContaining("container has runAsNonRoot and image will run as root")
        .hasMessageContaining("container: serving");
    assertThatThrownBy(() -> PodmanContainers.runOptions(pod, serving(), "0:0"))
        .hasMessageContaining("image will run as root");
    assertThatThrownBy(() -> PodmanContainers.runOptions(pod, serving(), "app"))
        .hasMessageContaining("image has non-numeric user (app), cannot verify user is non-root");
    assertThat(PodmanContainers.runOptions(pod, serving(), "65532:65532")).doesNotContain("--user");
  }

  @Test
  void runAsUserZeroUnderRunAsNonRootIsRefused() {
    Container c =
        new ContainerBuilder(serving())
            .editSecurityContext()
            .withRunAsUser(0L)
            .endSecurityContext()
            .build();
    assertThatThrownBy(() -> PodmanContainers.runOptions(pod(c, true), c, "65532"))
        .hasMessageContaining("container's runAsUser breaks non-root policy");
  }

  @Test
  void volumesOtherThanEmptyDirAndLocalhostSeccompAreRefusedByName() {
    Container c =
        new ContainerBuilder(serving())
            .addNewVolumeMount()
            .withName("model")
            .withMountPath("/mnt/model")
            .endVolumeMount()
            .build();
    Pod pod =
        new PodBuilder(pod(c, true))
            .editSpec()
            .addNewVolume()
            .withName("model")
            .withNewPersistentVolumeClaim()
            .withClaimName("models")
            .endPersistentVolumeClaim()
            .endVolume()
            .endSpec()
            .build();
    assertThatThrownBy(() -> PodmanContainers.runOptions(pod, c, "65532"))
        .hasMessageContaining(
            "volume model cannot be mounted in local mode: only emptyDir volumes are");
    Container local =
        new ContainerBuilder(serving())
            .editSecurityContext()
            .editSeccompProfile()
            .withType("Localhost")
            .endSeccompProfile()
            .endSecurityContext()
            .build();
    assertThatThrownBy(() -> PodmanContainers.runOptions(pod(local, true), local, "65532"))
        .hasMessageContaining("seccomp profile Localhost is not supported");
  }

  @Test
  void noSeccompProfileIsUnconfinedAsTheKubeletsDefault() throws Exception {
    Container c =
        new ContainerBuilder(serving())
            .editSecurityContext()
            .withSeccompProfile(null)
            .endSecurityContext()
            .build();
    assertThat(String.join(" ", PodmanContainers.runOptions(pod(c, false), c, "65532")))
        .contains("--security-opt seccomp=unconfined");
  }
}
