package io.modelship.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.modelship.operator.problem.Problem;
import java.util.List;
import org.junit.jupiter.api.Test;

class PodProblemsTest {

  static Pod pod(String name, String version, String waitingReason, String message) {
    var builder =
        new PodBuilder()
            .withNewMetadata()
            .withName(name)
            .addToLabels("modelship.io/version", version)
            .endMetadata()
            .withNewStatus()
            .addNewContainerStatus()
            .withName("serving")
            .withImage("img:1");
    if (waitingReason == null) {
      return builder
          .withNewState()
          .withNewRunning()
          .endRunning()
          .endState()
          .endContainerStatus()
          .endStatus()
          .build();
    }
    return builder
        .withNewState()
        .withNewWaiting()
        .withReason(waitingReason)
        .withMessage(message)
        .endWaiting()
        .endState()
        .endContainerStatus()
        .endStatus()
        .build();
  }

  @Test
  void namesTheFirstFailingPodOfTheVersion() {
    var pods =
        List.of(
            pod("b", "2", "ImagePullBackOff", "Back-off pulling image"),
            pod("a", "2", null, null),
            pod("c", "2", "CrashLoopBackOff", "back-off 5m0s restarting failed container"),
            pod("z", "1", "ErrImagePull", "not found"));
    assertThat(PodProblems.of(pods, "2"))
        .hasValueSatisfying(
            p -> {
              assertThat(p.reason()).isEqualTo("ImagePullFailed");
              assertThat(p.message())
                  .contains("Pod b")
                  .contains("img:1")
                  .contains("ImagePullBackOff");
            });
    assertThat(PodProblems.of(pods.subList(1, 3), "2"))
        .map(Problem::reason)
        .hasValue("CrashLoopBackOff");
    assertThat(
            PodProblems.of(
                List.of(pod("a", "2", null, null), pod("d", "2", "ContainerCreating", null)), "2"))
        .isEmpty();
  }

  /**
   * spec.model.uriFrom naming a Secret that does not exist: the status says which, as the kubelet
   * does.
   */
  @Test
  void aMissingSecretIsNamed() {
    var pods =
        List.of(pod("a", "2", "CreateContainerConfigError", "secret \"iris-model\" not found"));
    assertThat(PodProblems.of(pods, "2"))
        .hasValueSatisfying(
            p -> {
              assertThat(p.reason()).isEqualTo("CreateContainerConfigError");
              assertThat(p.message())
                  .contains("Pod a cannot start")
                  .contains("secret \"iris-model\" not found");
            });
  }
}
