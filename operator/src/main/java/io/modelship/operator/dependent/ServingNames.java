package io.modelship.operator.dependent;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.modelship.api.v1alpha1.ModelDeployment;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Names and labels of everything the operator creates for a ModelDeployment. */
public final class ServingNames {

  public static final String MANAGED_BY = "modelship-operator";
  public static final String LABEL_MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String LABEL_DEPLOYMENT = "modelship.io/deployment";
  public static final String LABEL_VERSION = "modelship.io/version";
  public static final String MANAGED_SELECTOR = LABEL_MANAGED_BY + "=" + MANAGED_BY;

  /** Leaves room for the ReplicaSet and pod suffixes within the 63-character label limit. */
  static final int MAX_DEPLOYMENT_NAME = 47;

  static final int HASH_LENGTH = 8;

  private ServingNames() {}

  /**
   * {@code <name>-<version slug>-<hash>}: the slug keeps it readable, the hash of the exact
   * resource name and version keeps it unique. Sanitising loses information ({@code 1.0} and {@code
   * 1-0}, {@code V1} and {@code v1} give the same slug) and {@code <name>-<version>} is ambiguous
   * between resources ({@code a} at {@code b-c} and {@code a-b} at {@code c}), so the hash is
   * always there, never only when a clash is noticed.
   */
  public static String deploymentName(ModelDeployment md, String version) {
    return versionChildName(md.getMetadata().getName(), version);
  }

  /** See {@link #deploymentName(ModelDeployment, String)}. */
  public static String versionChildName(String resourceName, String version) {
    String slug = version.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
    // NUL cannot occur in a resource name or a label value, so the pair is encoded unambiguously.
    String hash = sha256(resourceName + "\u0000" + version).substring(0, HASH_LENGTH);
    String readable = resourceName + "-" + slug;
    if (readable.length() > MAX_DEPLOYMENT_NAME - HASH_LENGTH - 1) {
      readable = readable.substring(0, MAX_DEPLOYMENT_NAME - HASH_LENGTH - 1);
    }
    return readable.replaceAll("-+$", "") + "-" + hash;
  }

  public static String runtimeAccount(ModelDeployment md) {
    return md.getMetadata().getName() + "-runtime";
  }

  public static String modelName(ModelDeployment md) {
    String name = md.getSpec().getModel().getName();
    return name == null || name.isBlank() ? md.getMetadata().getName() : name;
  }

  /**
   * Metadata of a child of {@code md}: its name, md's namespace, the instance labels and the
   * controller ownerReference.
   */
  public static ObjectMeta childMetadata(ModelDeployment md, String name) {
    return new ObjectMetaBuilder()
        .withName(name)
        .withNamespace(md.getMetadata().getNamespace())
        .withLabels(instanceLabels(md))
        .withOwnerReferences(owner(md))
        .build();
  }

  /**
   * {@code controller: true} so only one controller claims the child and tools (Argo CD, kubectl
   * tree) show it under md; {@code blockOwnerDeletion: true} so foreground deletion of md waits for
   * it.
   */
  public static OwnerReference owner(ModelDeployment md) {
    return new OwnerReferenceBuilder()
        .withApiVersion(md.getApiVersion())
        .withKind(md.getKind())
        .withName(md.getMetadata().getName())
        .withUid(md.getMetadata().getUid())
        .withController(true)
        .withBlockOwnerDeletion(true)
        .build();
  }

  public static Map<String, String> instanceLabels(ModelDeployment md) {
    var labels = new LinkedHashMap<String, String>();
    labels.put("app.kubernetes.io/name", modelName(md));
    labels.put("app.kubernetes.io/instance", md.getMetadata().getName());
    labels.put("app.kubernetes.io/component", "serving");
    labels.put(LABEL_MANAGED_BY, MANAGED_BY);
    labels.put(LABEL_DEPLOYMENT, md.getMetadata().getName());
    return labels;
  }

  /** Labels of one version's Deployment and its pods. */
  public static Map<String, String> versionLabels(ModelDeployment md, String version) {
    var labels = instanceLabels(md);
    labels.put("app.kubernetes.io/version", version);
    labels.put(LABEL_VERSION, version);
    return labels;
  }

  /** Selects the pods of every version: what the Service and the PDB cover. */
  public static Map<String, String> instanceSelector(ModelDeployment md) {
    return Map.of(LABEL_DEPLOYMENT, md.getMetadata().getName());
  }

  /** Selects one version's pods; immutable once a Deployment exists. */
  public static Map<String, String> versionSelector(ModelDeployment md, String version) {
    var selector = new LinkedHashMap<String, String>();
    selector.put(LABEL_DEPLOYMENT, md.getMetadata().getName());
    selector.put(LABEL_VERSION, version);
    return selector;
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
