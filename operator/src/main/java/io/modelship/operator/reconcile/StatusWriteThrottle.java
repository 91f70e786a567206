package io.modelship.operator.reconcile;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.modelship.api.v1alpha1.ModelDeployment;
import io.modelship.api.v1alpha1.status.ModelDeploymentStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Holds back status writes that only carry report figures to one per report interval per resource,
 * so a hundred pods reporting cost one write per interval. Anything else (rollout transitions, spec
 * changes, replica counts, conditions that flip) is written at once.
 */
final class StatusWriteThrottle {

  /** Status fields that only carry report figures; changes to them alone wait for the interval. */
  static final Set<String> FIGURES = Set.of("drift", "accuracy");

  /**
   * Last status write per resource; in memory, so the first write after a restart is never held.
   */
  private final Map<ResourceID, Instant> lastWrite = new ConcurrentHashMap<>();

  /**
   * How long the write of {@code after} over {@code before} waits, empty when it goes now.
   *
   * @param transitions whether the plan recorded rollout transitions in this reconcile
   */
  Optional<Duration> holdBack(
      ModelDeployment md,
      ModelDeploymentStatus before,
      ModelDeploymentStatus after,
      boolean transitions,
      Duration interval,
      Instant now,
      KubernetesSerialization serialization) {
    Instant last = lastWrite.get(ResourceID.fromResource(md));
    if (transitions
        || last == null
        || !StatusPatch.reportFiguresOnly(before, after, FIGURES, serialization)) {
      return Optional.empty();
    }
    Duration since = Duration.between(last, now);
    return since.compareTo(interval) < 0 ? Optional.of(interval.minus(since)) : Optional.empty();
  }

  void written(ModelDeployment md, Instant now) {
    lastWrite.put(ResourceID.fromResource(md), now);
  }
}
