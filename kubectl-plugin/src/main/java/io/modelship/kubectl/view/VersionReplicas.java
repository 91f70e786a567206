package io.modelship.kubectl.view;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/** Pods of one model version, summed over the Deployments labelled with it. */
public record VersionReplicas(String version, int desired, int ready) {

  public static final String DEPLOYMENT_LABEL = "modelship.io/deployment";
  public static final String VERSION_LABEL = "modelship.io/version";

  /** Groups Deployments by their version label; desired from spec.replicas, ready from status. */
  public static List<VersionReplicas> of(List<Deployment> deployments) {
    Map<String, int[]> byVersion = new TreeMap<>();
    for (Deployment d : deployments) {
      Map<String, String> labels = d.getMetadata() == null ? null : d.getMetadata().getLabels();
      String version = labels == null ? null : labels.get(VERSION_LABEL);
      int[] sums =
          byVersion.computeIfAbsent(Objects.requireNonNullElse(version, "?"), v -> new int[2]);
      if (d.getSpec() != null && d.getSpec().getReplicas() != null) {
        sums[0] += d.getSpec().getReplicas();
      }
      if (d.getStatus() != null && d.getStatus().getReadyReplicas() != null) {
        sums[1] += d.getStatus().getReadyReplicas();
      }
    }
    return byVersion.entrySet().stream()
        .map(e -> new VersionReplicas(e.getKey(), e.getValue()[0], e.getValue()[1]))
        .sorted(Comparator.comparing(VersionReplicas::version))
        .toList();
  }
}
