package io.modelship.operator.settings;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.modelship.operator.validation.ImageRegistries;
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
 * @param allowedImages registries {@code spec.runtime.image} may come from (env {@code
 *     MODELSHIP_ALLOWED_IMAGE_REGISTRIES}); empty allows any
 * @param requireSha256ForHttp refuse packages over plain http:// without {@code spec.model.sha256}
 *     (env {@code MODELSHIP_REQUIRE_SHA256_FOR_HTTP}) instead of warning
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
    ImageRegistries allowedImages,
    boolean requireSha256ForHttp,
    List<String> imagePullSecrets) {

  public static final String DEFAULT_IMAGE = "ghcr.io/modelship/serving-runtime:0.1.0";
  public static final String ALLOWED_IMAGE_REGISTRIES_ENV = "MODELSHIP_ALLOWED_IMAGE_REGISTRIES";
  public static final String REQUIRE_SHA256_FOR_HTTP_ENV = "MODELSHIP_REQUIRE_SHA256_FOR_HTTP";
  public static final String DEFAULT_CPU_REQUEST = "250m";

  /**
   * The serving pod's memory when the spec sets none, from the runtime image measured in a
   * container (docs/benchmarks.md, "Container images" and the calm-machine run after the security
   * pass and gRPC): the image sizes the heap at 40% of the limit, and the runtime needs about 110
   * MiB beside a fully used heap. At a 384 MiB limit (a 154 MiB heap) the container peaked at 104
   * MiB after start, 126 MiB under {@code /predict} load and 248 MiB under the flood of 16 × 8 MiB
   * batches (answered 413/429, not OOM-killed): the request covers that flood peak, and the limit
   * leaves about 120 MiB above a full heap for a larger model's native memory. (Before the image
   * existed: 512Mi / 1Gi.)
   */
  public static final String DEFAULT_MEMORY_REQUEST = "256Mi";

  public static final String DEFAULT_MEMORY_LIMIT = "384Mi";

  public static OperatorSettings defaults() {
    return new OperatorSettings(
        Set.of(),
        DEFAULT_IMAGE,
        DEFAULT_CPU_REQUEST,
        DEFAULT_MEMORY_REQUEST,
        DEFAULT_MEMORY_LIMIT,
        15,
        Duration.ofSeconds(30),
        ImageRegistries.any(),
        false,
        List.of());
  }

  public OperatorSettings {
    namespaces = Set.copyOf(namespaces);
    imagePullSecrets = List.copyOf(imagePullSecrets);
  }

  public OperatorSettings withImagePullSecrets(List<String> secrets) {
    return new OperatorSettings(
        namespaces,
        defaultImage,
        defaultCpuRequest,
        defaultMemoryRequest,
        defaultMemoryLimit,
        reportIntervalSeconds,
        retryAfter,
        allowedImages,
        requireSha256ForHttp,
        secrets);
  }

  public OperatorSettings withAllowedImages(ImageRegistries allowed) {
    return new OperatorSettings(
        namespaces,
        defaultImage,
        defaultCpuRequest,
        defaultMemoryRequest,
        defaultMemoryLimit,
        reportIntervalSeconds,
        retryAfter,
        allowed,
        requireSha256ForHttp,
        imagePullSecrets);
  }

  public OperatorSettings withRequireSha256ForHttp(boolean require) {
    return new OperatorSettings(
        namespaces,
        defaultImage,
        defaultCpuRequest,
        defaultMemoryRequest,
        defaultMemoryLimit,
        reportIntervalSeconds,
        retryAfter,
        allowedImages,
        require,
        imagePullSecrets);
  }

  public ResourceRequirements defaultResources() {
    return new ResourceRequirementsBuilder()
        .addToRequests("cpu", new Quantity(defaultCpuRequest))
        .addToRequests("memory", new Quantity(defaultMemoryRequest))
        .addToLimits("memory", new Quantity(defaultMemoryLimit))
        .build();
  }
}
