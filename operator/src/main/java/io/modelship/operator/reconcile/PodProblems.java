package io.modelship.operator.reconcile;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.modelship.operator.dependent.ServingNames;
import io.modelship.operator.problem.Problem;
import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;
import java.util.Set;

/**
 * Reads from pod statuses what keeps a version from starting: image pulls, crash loops, and a
 * container the kubelet cannot configure (a Secret named in {@code spec.model.uriFrom} or {@code
 * spec.runtime.env} that does not exist; its message names the Secret and key, never a value).
 */
public final class PodProblems {

  static final Set<String> IMAGE_PULL =
      Set.of("ErrImagePull", "ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull");

  private PodProblems() {}

  public static Optional<Problem> of(Collection<Pod> pods, String version) {
    return pods.stream()
        .filter(p -> version.equals(p.getMetadata().getLabels().get(ServingNames.LABEL_VERSION)))
        .sorted(Comparator.comparing(p -> p.getMetadata().getName()))
        .flatMap(p -> problem(p).stream())
        .findFirst();
  }

  private static Optional<Problem> problem(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
      return Optional.empty();
    }
    for (ContainerStatus container : pod.getStatus().getContainerStatuses()) {
      var waiting = container.getState() == null ? null : container.getState().getWaiting();
      if (waiting == null || waiting.getReason() == null) {
        continue;
      }
      String detail = waiting.getMessage() == null ? "" : ": " + waiting.getMessage();
      if (IMAGE_PULL.contains(waiting.getReason())) {
        return Optional.of(
            new Problem(
                "ImagePullFailed",
                "Pod "
                    + pod.getMetadata().getName()
                    + " cannot pull "
                    + container.getImage()
                    + " ("
                    + waiting.getReason()
                    + detail
                    + ")"));
      }
      if (SigningSecretKeeper.CONFIG_ERROR.equals(waiting.getReason())) {
        return Optional.of(
            new Problem(
                SigningSecretKeeper.CONFIG_ERROR,
                "Pod " + pod.getMetadata().getName() + " cannot start" + detail));
      }
      if ("CrashLoopBackOff".equals(waiting.getReason())) {
        return Optional.of(
            new Problem(
                "CrashLoopBackOff",
                "Pod " + pod.getMetadata().getName() + " keeps crashing" + detail));
      }
    }
    return Optional.empty();
  }
}
