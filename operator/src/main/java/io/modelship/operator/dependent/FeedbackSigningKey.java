package io.modelship.operator.dependent;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.GarbageCollected;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.modelship.api.v1alpha1.ModelDeployment;
import java.security.SecureRandom;
import java.util.Base64;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Map;

/**
 * {@code <name>-feedback-signing}: a random per-ModelDeployment key with which the pods sign the
 * request ids they hand out, so feedback for an id this deployment did not issue is refused on
 * every replica. Created once and never updated (a Creator, not an Updater): rotating it on a
 * reconcile would invalidate every id in flight. The key is never logged; it reaches the pods
 * only through a secretKeyRef.
 */
@KubernetesDependent(informer = @Informer(labelSelector = ServingNames.MANAGED_SELECTOR))
public class FeedbackSigningKey extends KubernetesDependentResource<Secret, ModelDeployment>
    implements Creator<Secret, ModelDeployment>, GarbageCollected<ModelDeployment> {

  public static final String KEY = "key";
  static final int KEY_BYTES = 32;
  private static final SecureRandom RANDOM = new SecureRandom();

  public FeedbackSigningKey() {
    super(Secret.class);
  }

  public static String name(ModelDeployment md) {
    return md.getMetadata().getName() + "-feedback-signing";
  }

  /** Deletion of the ModelDeployment cascades through the ownerReference. */
  @Override
  public void delete(ModelDeployment md, Context<ModelDeployment> context) {}

  @Override
  protected Secret desired(ModelDeployment md, Context<ModelDeployment> context) {
    byte[] key = new byte[KEY_BYTES];
    RANDOM.nextBytes(key);
    return desired(md, key);
  }

  static Secret desired(ModelDeployment md, byte[] key) {
    return new SecretBuilder()
        .withMetadata(ServingNames.childMetadata(md, name(md)))
        .withType("Opaque")
        .withImmutable(true)
        // The pods receive it as an environment variable, which cannot carry arbitrary bytes (a NUL
        // ends it), so the 256 random bits are written as 64 hex digits.
        .withData(Map.of(KEY, Base64.getEncoder().encodeToString(
            HexFormat.of().formatHex(key).getBytes(StandardCharsets.US_ASCII))))
        .build();
  }

  @Override
  protected ResourceID targetSecondaryResourceID(ModelDeployment md, Context<ModelDeployment> context) {
    return new ResourceID(name(md), md.getMetadata().getNamespace());
  }
}
