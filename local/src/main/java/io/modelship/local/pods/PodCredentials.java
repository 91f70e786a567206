package io.modelship.local.pods;

import io.fabric8.kubernetes.api.model.Pod;
import io.modelship.local.kube.EmbeddedApiServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How a pod reaches the API: as a kubelet does, with a token of the pod's own ServiceAccount
 * ({@link #serviceAccount}), or, for tests of the pod runner alone, with one shared kubeconfig
 * ({@link #kubeconfig}).
 */
public interface PodCredentials {

  /**
   * Where a kubelet projects the ServiceAccount volume, and where Fabric8's in-cluster
   * configuration reads it.
   */
  String SERVICE_ACCOUNT_MOUNT = "/var/run/secrets/kubernetes.io/serviceaccount";

  /** A container's share: host directories or files to mount (host path → path inside) and env. */
  record Mounted(Map<Path, String> mounts, Map<String, String> env) {}

  /**
   * For a process on this host: env (a {@code KUBECONFIG} for the pod), files written under {@code
   * podDir}.
   */
  Map<String, String> forProcess(Pod pod, Path podDir) throws IOException;

  /** For a container: what to mount and what env to set, files written under {@code podDir}. */
  Mounted forContainer(Pod pod, Path podDir) throws IOException;

  /**
   * Every pod gets a copy of {@code kubeconfig} (whoever it names), as local mode did before
   * ServiceAccount tokens.
   */
  static PodCredentials kubeconfig(Path kubeconfig) {
    return new PodCredentials() {
      @Override
      public Map<String, String> forProcess(Pod pod, Path podDir) {
        return Map.of("KUBECONFIG", kubeconfig.toString());
      }

      @Override
      public Mounted forContainer(Pod pod, Path podDir) throws IOException {
        Path copy = podDir.resolve("kubeconfig");
        Files.copy(kubeconfig, copy, StandardCopyOption.REPLACE_EXISTING);
        return new Mounted(
            Map.of(copy.toAbsolutePath(), "/var/run/modelship-local/kubeconfig"),
            Map.of("KUBECONFIG", "/var/run/modelship-local/kubeconfig"));
      }
    };
  }

  /**
   * Each pod runs as its {@code spec.serviceAccountName} ({@code default} when unset) with a token
   * from the API's TokenRequest, as a kubelet projects it: in a container at {@value
   * #SERVICE_ACCOUNT_MOUNT} ({@code token}, {@code ca.crt}, {@code namespace}) with {@code
   * KUBERNETES_SERVICE_HOST}/{@code _PORT}, so the client's in-cluster configuration is what runs;
   * a process gets a kubeconfig holding that token. A pod with {@code automountServiceAccountToken:
   * false} gets no credentials at all.
   */
  static PodCredentials serviceAccount(EmbeddedApiServer api, Duration ttl) {
    return new PodCredentials() {
      @Override
      public Map<String, String> forProcess(Pod pod, Path podDir) throws IOException {
        Path file = podDir.resolve("kubeconfig");
        Files.deleteIfExists(file);
        if (!mounts(pod)) {
          // No token: a kubeconfig that does not exist, rather than this user's own ~/.kube/config.
          return Map.of("KUBECONFIG", file.toString());
        }
        api.writeKubeconfig(file, token(pod), pod.getMetadata().getNamespace());
        return Map.of("KUBECONFIG", file.toString());
      }

      @Override
      public Mounted forContainer(Pod pod, Path podDir) throws IOException {
        if (!mounts(pod)) {
          return new Mounted(Map.of(), Map.of());
        }
        Path dir = Files.createDirectories(podDir.resolve("serviceaccount"));
        Files.writeString(dir.resolve("token"), token(pod), StandardCharsets.US_ASCII);
        Files.writeString(
            dir.resolve("ca.crt"), api.certificateAuthority(), StandardCharsets.US_ASCII);
        Files.writeString(
            dir.resolve("namespace"), pod.getMetadata().getNamespace(), StandardCharsets.UTF_8);
        Map<String, String> env = new LinkedHashMap<>();
        env.put("KUBERNETES_SERVICE_HOST", "127.0.0.1");
        env.put("KUBERNETES_SERVICE_PORT", Integer.toString(api.port()));
        env.put("KUBERNETES_SERVICE_PORT_HTTPS", Integer.toString(api.port()));
        return new Mounted(Map.of(dir.toAbsolutePath(), SERVICE_ACCOUNT_MOUNT), env);
      }

      private String token(Pod pod) {
        String account =
            pod.getSpec() == null
                    || pod.getSpec().getServiceAccountName() == null
                    || pod.getSpec().getServiceAccountName().isBlank()
                ? "default"
                : pod.getSpec().getServiceAccountName();
        return api.issueToken(pod.getMetadata().getNamespace(), account, ttl).token();
      }

      private boolean mounts(Pod pod) {
        return pod.getSpec() == null
            || !Boolean.FALSE.equals(pod.getSpec().getAutomountServiceAccountToken());
      }
    };
  }
}
