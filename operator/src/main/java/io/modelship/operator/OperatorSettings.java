package io.modelship.operator;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * What the operator applies where a ModelDeployment leaves a field unset, and how it runs.
 *
 * @param namespaces watched namespaces; empty means all
 * @param defaultImage serving runtime image when {@code spec.runtime.image} is absent
 * @param defaultCpuRequest CPU request when {@code spec.runtime.resources} is absent
 * @param defaultMemoryRequest memory request when {@code spec.runtime.resources} is absent
 * @param defaultMemoryLimit memory limit when {@code spec.runtime.resources} is absent
 * @param reportIntervalSeconds how often pods report when the spec does not say
 * @param retryAfter delay before looking again at a resource that waits on something outside it
 * @param imagePullSecrets Secrets (in the ModelDeployment's namespace) the serving pods pull their
 *     image with
 */
public record OperatorSettings(
    Set<String> namespaces,
    String defaultImage,
    String defaultCpuRequest,
    String defaultMemoryRequest,
    String defaultMemoryLimit,
    int reportIntervalSeconds,
    Duration retryAfter,
    List<String> imagePullSecrets) {

  public static final String DEFAULT_IMAGE = "ghcr.io/modelship/serving-runtime:0.1.0";

  public static OperatorSettings defaults() {
    return new OperatorSettings(
        Set.of(), DEFAULT_IMAGE, "250m", "512Mi", "1Gi", 15, Duration.ofSeconds(30), List.of());
  }

  public OperatorSettings {
    namespaces = Set.copyOf(namespaces);
    imagePullSecrets = List.copyOf(imagePullSecrets);
  }

  public OperatorSettings withImagePullSecrets(List<String> secrets) {
    return new OperatorSettings(namespaces, defaultImage, defaultCpuRequest, defaultMemoryRequest, defaultMemoryLimit,
        reportIntervalSeconds, retryAfter, secrets);
  }


  public ResourceRequirements defaultResources() {
    return new ResourceRequirementsBuilder()
        .addToRequests("cpu", new Quantity(defaultCpuRequest))
        .addToRequests("memory", new Quantity(defaultMemoryRequest))
        .addToLimits("memory", new Quantity(defaultMemoryLimit))
        .build();
  }
}
