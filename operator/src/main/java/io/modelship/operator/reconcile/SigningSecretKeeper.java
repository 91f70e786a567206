package io.modelship.operator.reconcile;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.modelship.api.v1alpha1.ModelDeployment;
import io.modelship.operator.dependent.SigningSecret;
import io.modelship.operator.signing.SigningKeys;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Creates each ModelDeployment's {@link SigningSecret} before its pods need it, without ever
 * reading a Secret: it sends the create before the first serving Deployment exists (once per
 * process and resource), and again whenever a pod cannot start because the Secret is missing
 * (someone deleted it; the keys come back the same, being derived). A Secret that exists answers
 * 409, which is fine. Serving Deployments that exist were created after their Secret, so a
 * restarted operator sends nothing for them.
 */
final class SigningSecretKeeper {

  /** What the kubelet reports for a container whose secretKeyRef it cannot resolve. */
  static final String CONFIG_ERROR = "CreateContainerConfigError";

  private final SigningKeys keys;

  /** ModelDeployment UIDs whose Secret this process has created. */
  private final Set<String> created = ConcurrentHashMap.newKeySet();

  SigningSecretKeeper(SigningKeys keys) {
    this.keys = keys;
  }

  void ensure(
      ModelDeployment md,
      boolean servingDeploymentsExist,
      Collection<Pod> pods,
      KubernetesClient client) {
    boolean missing = missingFor(md, pods);
    if (!missing && (servingDeploymentsExist || created.contains(md.getMetadata().getUid()))) {
      return;
    }
    SigningSecret.create(md, keys, client);
    created.add(md.getMetadata().getUid());
  }

  /** Whether a pod of {@code md} waits because its signing Secret does not exist. */
  static boolean missingFor(ModelDeployment md, Collection<Pod> pods) {
    String secret = "\"" + SigningSecret.name(md) + "\"";
    return pods.stream()
        .filter(p -> p.getStatus() != null)
        .flatMap(
            p ->
                Objects.requireNonNullElse(
                    p.getStatus().getContainerStatuses(), List.<ContainerStatus>of())
                    .stream())
        .map(c -> c.getState() == null ? null : c.getState().getWaiting())
        .filter(Objects::nonNull)
        .anyMatch(
            w ->
                CONFIG_ERROR.equals(w.getReason())
                    && w.getMessage() != null
                    && w.getMessage().contains(secret));
  }
}
