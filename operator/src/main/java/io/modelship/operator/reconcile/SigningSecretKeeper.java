package io.modelship.operator.reconcile;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.modelship.api.v1alpha1.ModelDeployment;
import io.modelship.operator.dependent.SigningSecret;
import io.modelship.operator.signing.SigningKeys;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Creates each ModelDeployment's {@link SigningSecret} before its pods need it. Without an informer
 * on Secrets the operator cannot see one disappear, so it sends the create again now and then (an
 * existing Secret answers 409, which costs nothing); between times it remembers it did.
 */
final class SigningSecretKeeper {

  static final Duration RECHECK = Duration.ofMinutes(10);

  private final SigningKeys keys;
  /** When the create was last sent, by ModelDeployment UID. */
  private final Map<String, Instant> created = new ConcurrentHashMap<>();

  SigningSecretKeeper(SigningKeys keys) {
    this.keys = keys;
  }

  void ensure(ModelDeployment md, KubernetesClient client, Instant now) {
    created.values().removeIf(t -> t.isBefore(now.minus(RECHECK)));
    String uid = md.getMetadata().getUid();
    if (uid != null && created.containsKey(uid)) {
      return;
    }
    SigningSecret.create(md, keys, client);
    if (uid != null) {
      created.put(uid, now);
    }
  }
}
