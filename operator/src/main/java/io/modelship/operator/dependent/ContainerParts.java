package io.modelship.operator.dependent;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import java.util.List;
import java.util.Locale;

/**
 * Pieces of a container spec written the same way for every pod the operator makes: the serving
 * pods ({@link ServingDeployments}) and the retraining Jobs' pods.
 */
public final class ContainerParts {

  private ContainerParts() {}

  /** Kubernetes' own default, written out so GitOps tools see no server-made difference. */
  public static String pullPolicy(String image) {
    if (image.contains("@")) {
      return "IfNotPresent";
    }
    String afterSlash = image.substring(image.lastIndexOf('/') + 1);
    int colon = afterSlash.lastIndexOf(':');
    String tag = colon < 0 ? "latest" : afterSlash.substring(colon + 1);
    return "latest".equals(tag.toLowerCase(Locale.ROOT)) ? "Always" : "IfNotPresent";
  }

  /** The operator's configured pull secrets, or null (absent) when there are none. */
  public static List<LocalObjectReference> pullSecrets(List<String> names) {
    return names.isEmpty() ? null : names.stream().map(LocalObjectReference::new).toList();
  }

  /** An environment variable with a literal value. */
  public static EnvVar value(String name, String value) {
    return new EnvVarBuilder().withName(name).withValue(value).build();
  }

  /** An environment variable from a Secret's key that must exist. */
  public static EnvVar secretKey(String name, String secret, String key) {
    return new EnvVarBuilder()
        .withName(name)
        .withNewValueFrom()
        .withNewSecretKeyRef()
        .withName(secret)
        .withKey(key)
        .withOptional(false)
        .endSecretKeyRef()
        .endValueFrom()
        .build();
  }
}
