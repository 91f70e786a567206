package io.modelship.operator.reconcile;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.modelship.api.v1alpha1.ModelDeployment;
import io.modelship.api.v1alpha1.ModelPackageReference;
import io.modelship.api.v1alpha1.report.RuntimeReportSpec;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the package references ({@link ModelPackageReference}, {@code <md>-ref-<sha12>}) of running
 * versions in place. A pod creates its package's reference once, at its first report; if someone
 * deletes it while the pods run, drift could no longer be scored. The operator remembers the last
 * copy of each reference it saw and puts it back while pods still report that package. (A reference
 * deleted while the operator is down is recreated by the next pod that starts.) A ModelDeployment
 * whose references were not seen for {@link #FORGET_AFTER} (deleted, most likely) is forgotten, so
 * memory stays bounded without a finalizer.
 */
final class ReferenceKeeper {

  private static final Logger log = LoggerFactory.getLogger(ReferenceKeeper.class);

  static final java.time.Duration FORGET_AFTER = java.time.Duration.ofMinutes(10);

  private record Seen(Map<String, ModelPackageReference> bySha, java.time.Instant at) {}

  /** Last seen references by ModelDeployment UID, with when they were last seen present. */
  private final Map<String, Seen> seen = new ConcurrentHashMap<>();

  /**
   * Remembers the references owned by {@code md} and recreates those that are gone while accepted
   * reports still name their package. Best effort: a failed create is logged and tried next time.
   */
  void keep(
      ModelDeployment md,
      Collection<ModelPackageReference> references,
      Collection<RuntimeReportSpec> accepted,
      KubernetesClient client,
      java.time.Instant now) {
    seen.values().removeIf(s -> s.at().plus(FORGET_AFTER).isBefore(now));
    String uid = md.getMetadata().getUid();
    if (uid == null) {
      return;
    }
    var known = new java.util.HashMap<>(seen.containsKey(uid) ? seen.get(uid).bySha() : Map.of());
    var present = new java.util.HashSet<String>();
    for (ModelPackageReference reference : references) {
      if (reference.getSpec() != null
          && reference.getSpec().getPackageSha256() != null
          && ownedBy(reference, uid)) {
        present.add(reference.getSpec().getPackageSha256());
        known.put(reference.getSpec().getPackageSha256(), reference);
      }
    }
    Set<String> inUse =
        accepted.stream()
            .map(RuntimeReportSpec::getPackageSha256)
            .filter(Objects::nonNull)
            .collect(Collectors.toSet());
    if (!inUse.isEmpty()) {
      known.keySet().retainAll(inUse);
    }
    if (!present.isEmpty() || !seen.containsKey(uid)) {
      seen.put(uid, new Seen(Map.copyOf(known), now));
    } else {
      seen.put(uid, new Seen(Map.copyOf(known), seen.get(uid).at()));
    }
    for (String sha : inUse) {
      ModelPackageReference last = known.get(sha);
      if (present.contains(sha) || last == null) {
        continue;
      }
      try {
        client
            .resources(ModelPackageReference.class)
            .inNamespace(md.getMetadata().getNamespace())
            .resource(copy(last))
            .create();
        log.info(
            "Recreated reference {} of package {}: it was deleted while pods report it",
            last.getMetadata().getName(),
            sha);
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          log.warn(
              "Could not recreate reference {}: {}", last.getMetadata().getName(), e.getMessage());
        }
      }
    }
  }

  private static boolean ownedBy(ModelPackageReference reference, String uid) {
    return Objects.requireNonNullElse(
            reference.getMetadata().getOwnerReferences(),
            List.<io.fabric8.kubernetes.api.model.OwnerReference>of())
        .stream()
        .anyMatch(o -> "ModelDeployment".equals(o.getKind()) && uid.equals(o.getUid()));
  }

  /** The same name, labels, signature, owner and spec; none of the server's bookkeeping. */
  private static ModelPackageReference copy(ModelPackageReference last) {
    var copy = new ModelPackageReference();
    copy.setMetadata(
        new ObjectMetaBuilder()
            .withName(last.getMetadata().getName())
            .withNamespace(last.getMetadata().getNamespace())
            .withLabels(last.getMetadata().getLabels())
            // The pod's signature covers name, namespace and spec, all unchanged: the copy stays
            // believed.
            .withAnnotations(last.getMetadata().getAnnotations())
            .withOwnerReferences(last.getMetadata().getOwnerReferences())
            .build());
    copy.setSpec(last.getSpec());
    return copy;
  }
}
