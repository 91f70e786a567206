package io.modelship.operator.dependent;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.modelship.api.v1alpha1.ModelDeployment;
import io.modelship.operator.signing.SigningKeys;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;

/**
 * {@code <name>-signing}: the ModelDeployment's keys for its pods — {@value #FEEDBACK_KEY} signs
 * the request ids they hand out (feedback for an id this deployment did not issue is refused on
 * every replica), {@value #REPORT_KEY} signs their RuntimeReports. Both are derived from the
 * operator's master key ({@link SigningKeys}), so the operator only ever creates this Secret: it
 * never reads it back and holds no informer on Secrets. Immutable and created once; an existing one
 * (409) holds the same keys, since they are recomputed from the same UID. The keys reach the pods
 * only through secretKeyRefs and are never logged.
 */
public final class SigningSecret {

  public static final String FEEDBACK_KEY = "feedback-key";
  public static final String REPORT_KEY = "report-key";

  private SigningSecret() {}

  public static String name(ModelDeployment md) {
    return md.getMetadata().getName() + "-signing";
  }

  static Secret desired(ModelDeployment md, SigningKeys keys) {
    var data = new LinkedHashMap<String, String>();
    data.put(FEEDBACK_KEY, encoded(keys.feedbackKey(md)));
    data.put(REPORT_KEY, encoded(keys.reportKey(md)));
    return new SecretBuilder()
        .withMetadata(ServingNames.childMetadata(md, name(md)))
        .withType("Opaque")
        .withImmutable(true)
        .withData(data)
        .build();
  }

  /** Creates the Secret unless it exists; the server's refusal of anything else propagates. */
  public static void create(ModelDeployment md, SigningKeys keys, KubernetesClient client) {
    try {
      client
          .secrets()
          .inNamespace(md.getMetadata().getNamespace())
          .resource(desired(md, keys))
          .create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
    }
  }

  private static String encoded(byte[] key) {
    return Base64.getEncoder()
        .encodeToString(SigningKeys.hex(key).getBytes(StandardCharsets.US_ASCII));
  }
}
