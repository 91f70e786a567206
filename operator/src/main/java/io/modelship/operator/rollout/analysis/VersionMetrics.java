package io.modelship.operator.rollout.analysis;

import java.util.List;

/**
 * What one version's pods say about their health right now, as the planners need it; their traffic
 * over time is in {@link TrafficHistory}.
 *
 * @param pods pods that reported
 * @param readyPods pods that report ready
 * @param loadErrors model load errors seen on its pods
 */
public record VersionMetrics(int pods, int readyPods, List<String> loadErrors) {

  public VersionMetrics {
    loadErrors = List.copyOf(loadErrors);
  }
}
