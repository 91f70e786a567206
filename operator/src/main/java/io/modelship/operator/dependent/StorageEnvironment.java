package io.modelship.operator.dependent;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.modelship.api.runtime.RuntimeEnvironment;
import io.modelship.api.v1alpha1.spec.ModelDeploymentSpec;
import io.modelship.api.v1alpha1.spec.RetrainingDataSpec;
import io.modelship.api.v1alpha1.spec.RetrainingSpec;
import io.modelship.api.v1alpha1.spec.StorageSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The serving pod's environment for object storage: {@code spec.model.storage} as {@code S3_*}
 * values, its Secret's credentials as secretKeyRefs under the AWS SDK's own names (the operator
 * never reads the Secret, so no credential reaches a pod spec, status, Event or log), and {@code
 * spec.retraining.data.sink}.
 */
public final class StorageEnvironment {

  private StorageEnvironment() {}

  public static List<EnvVar> of(ModelDeploymentSpec spec) {
    var env = new ArrayList<EnvVar>();
    StorageSpec storage = spec.getModel() == null ? null : spec.getModel().getStorage();
    if (storage != null) {
      if (storage.getEndpoint() != null && !storage.getEndpoint().isBlank()) {
        env.add(value(RuntimeEnvironment.S3_ENDPOINT, storage.getEndpoint().trim()));
      }
      if (storage.getRegion() != null && !storage.getRegion().isBlank()) {
        env.add(value(RuntimeEnvironment.S3_REGION, storage.getRegion().trim()));
      }
      if (storage.getPathStyle() != null) {
        env.add(value(RuntimeEnvironment.S3_PATH_STYLE, String.valueOf(storage.getPathStyle())));
      }
      if (storage.getSecretRef() != null && storage.getSecretRef().getName() != null) {
        String secret = storage.getSecretRef().getName();
        env.add(secretKey(RuntimeEnvironment.AWS_ACCESS_KEY_ID, secret, false));
        env.add(secretKey(RuntimeEnvironment.AWS_SECRET_ACCESS_KEY, secret, false));
        // temporary credentials only: a Secret with a long-lived key pair has no session token
        env.add(secretKey(RuntimeEnvironment.AWS_SESSION_TOKEN, secret, true));
      }
    }
    Optional.ofNullable(spec.getRetraining())
        .map(RetrainingSpec::getData)
        .map(RetrainingDataSpec::getSink)
        .filter(sink -> !sink.isBlank())
        .ifPresent(sink -> env.add(value(RuntimeEnvironment.RETRAINING_SINK, sink.trim())));
    return env;
  }

  private static EnvVar value(String name, String value) {
    return new EnvVarBuilder().withName(name).withValue(value).build();
  }

  private static EnvVar secretKey(String name, String secret, boolean optional) {
    return new EnvVarBuilder()
        .withName(name)
        .withNewValueFrom()
        .withNewSecretKeyRef()
        .withName(secret)
        .withKey(name)
        .withOptional(optional)
        .endSecretKeyRef()
        .endValueFrom()
        .build();
  }
}
