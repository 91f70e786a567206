package io.modelship.operator.reconcile;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.modelship.operator.dependent.ServingNames;
import io.modelship.operator.status.Problem;
import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;
import java.util.Set;

/** Reads from pod statuses what keeps a version from starting: image pulls and crash loops. */
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
        return Optional.of(new Problem("ImagePullFailed",
            "Pod " + pod.getMetadata().getName() + " cannot pull " + container.getImage() + " (" + waiting.getReason() + detail + ")"));
      }
      if ("CrashLoopBackOff".equals(waiting.getReason())) {
        return Optional.of(new Problem("CrashLoopBackOff",
            "Pod " + pod.getMetadata().getName() + " keeps crashing" + detail));
      }
    }
    return Optional.empty();
  }
}
