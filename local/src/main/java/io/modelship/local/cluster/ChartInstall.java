package io.modelship.local.cluster;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Installs Modelship from {@code helm/modelship} as a user installs it on a cluster: creates the
 * release namespace and the signing-key Secret ({@code kubectl create secret generic
 * modelship-signing-key --from-file=key=…}), renders the chart with the real Helm engine
 * (helm-java, Helm 3.19) with {@code signingKey.existingSecret} naming that Secret, and creates
 * every rendered object through the API as the cluster admin: CRDs, ServiceAccount, ClusterRole or
 * Roles, bindings, Services. The operator's Deployment is the one object not created, since no
 * kubelet here would run it: local mode starts the operator itself from that Deployment's pod
 * template (its ServiceAccount, env, args and volumes), see {@link #operator()}.
 */
public final class ChartInstall {

  public static final String RELEASE = "modelship";
  public static final String NAMESPACE = "modelship-system";

  /**
   * The Secret the signing master key is created in, named to the chart by {@code
   * signingKey.existingSecret}.
   */
  public static final String SIGNING_KEY_SECRET = "modelship-signing-key";

  private final List<HasMetadata> applied;
  private final Deployment operator;

  private ChartInstall(List<HasMetadata> applied, Deployment operator) {
    this.applied = applied;
    this.operator = operator;
  }

  /**
   * {@code helm template modelship helm/modelship -n modelship-system --set k=v…}: the chart's
   * default values plus {@code values}. Helm's {@code lookup} is not reached: the signing key is an
   * existing Secret. One render at a time in this JVM: helm-java's Go library does not say it may
   * be called from several threads at once, and tests start clusters side by side.
   */
  public static synchronized String render(Path chart, Map<String, Object> values) {
    var command = new Helm(chart).template().withName(RELEASE).withNamespace(NAMESPACE);
    Map<String, Object> set = new LinkedHashMap<>(values);
    set.putIfAbsent("signingKey.existingSecret", SIGNING_KEY_SECRET);
    for (var entry : set.entrySet()) {
      command = command.set(entry.getKey(), entry.getValue());
    }
    return command.call();
  }

  /**
   * Each rendered document as its Fabric8 model, in the order Helm printed them (its install
   * order).
   */
  public static List<HasMetadata> objects(String yaml) {
    List<HasMetadata> objects = new ArrayList<>();
    for (String document : yaml.split("(?m)^---\\s*$")) {
      if (document.lines().allMatch(l -> l.isBlank() || l.trim().startsWith("#"))) {
        continue;
      }
      Object parsed = Serialization.unmarshal(document);
      if (!(parsed instanceof HasMetadata object)) {
        throw new IllegalStateException(
            "the chart rendered something that is not a Kubernetes object:\n" + document);
      }
      objects.add(object);
    }
    return objects;
  }

  /**
   * Installs the chart through {@code admin}: the release namespace (and every watched namespace,
   * which the chart requires to exist), the signing-key Secret from {@code signingKey}, then every
   * object the chart renders except the operator's Deployment, after {@code edit} (the identity, or
   * a test's change, e.g. a rule taken out of the ClusterRole).
   */
  public static ChartInstall install(
      KubernetesClient admin,
      Path chart,
      Map<String, Object> values,
      List<String> watchNamespaces,
      byte[] signingKey,
      UnaryOperator<List<HasMetadata>> edit) {
    List<String> namespaces = new ArrayList<>(List.of(NAMESPACE));
    namespaces.addAll(watchNamespaces);
    for (String namespace : namespaces) {
      if (admin.namespaces().withName(namespace).get() == null) {
        // Restricted Pod Security, as a platform team labels its namespaces: every pod must pass
        // it.
        admin
            .namespaces()
            .resource(
                new NamespaceBuilder()
                    .withNewMetadata()
                    .withName(namespace)
                    .addToLabels("pod-security.kubernetes.io/enforce", "restricted")
                    .endMetadata()
                    .build())
            .create();
      }
    }
    admin
        .secrets()
        .inNamespace(NAMESPACE)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(SIGNING_KEY_SECRET)
                .withNamespace(NAMESPACE)
                .endMetadata()
                .withType("Opaque")
                .addToData("key", Base64.getEncoder().encodeToString(signingKey))
                .build())
        .create();
    Map<String, Object> set = new LinkedHashMap<>(values);
    if (!watchNamespaces.isEmpty()) {
      for (int i = 0; i < watchNamespaces.size(); i++) {
        set.put("watchNamespaces[" + i + "]", watchNamespaces.get(i));
      }
    }
    List<HasMetadata> objects = edit.apply(objects(render(chart, set)));
    List<HasMetadata> applied = new ArrayList<>();
    Deployment operator = null;
    for (HasMetadata object : objects) {
      if (object instanceof Deployment d) {
        operator = d;
        continue;
      }
      admin.resource(object).create();
      applied.add(object);
    }
    if (operator == null) {
      throw new IllegalStateException("the chart rendered no Deployment for the operator");
    }
    return new ChartInstall(List.copyOf(applied), operator);
  }

  /** What was created, in order. */
  public List<HasMetadata> applied() {
    return applied;
  }

  /**
   * The operator's Deployment as the chart renders it (not created: local mode runs its pod
   * itself).
   */
  public Deployment operator() {
    return operator;
  }

  public Container operatorContainer() {
    return operator.getSpec().getTemplate().getSpec().getContainers().getFirst();
  }

  public String serviceAccount() {
    return operator.getSpec().getTemplate().getSpec().getServiceAccountName();
  }

  /**
   * The operator container's env as a kubelet sets it (the chart sets plain values only), with
   * every path under a volume's {@code mountPath} moved to where that volume is on this host:
   * {@code hostDirs} maps volume names to directories ({@link #materializeVolumes}).
   */
  public Map<String, String> operatorEnv(Map<String, Path> hostDirs) {
    Container container = operatorContainer();
    Map<String, String> env = new LinkedHashMap<>();
    for (EnvVar var : container.getEnv()) {
      if (var.getValueFrom() != null) {
        throw new IllegalStateException(
            "env "
                + var.getName()
                + " of the chart's operator uses valueFrom, "
                + "which local mode does not resolve for the operator");
      }
      String value = var.getValue() == null ? "" : var.getValue();
      // The deepest mount the path is under, as inside the container.
      String moved = value;
      int deepest = -1;
      for (VolumeMount mount : container.getVolumeMounts()) {
        Path host = hostDirs.get(mount.getName());
        String prefix =
            mount.getMountPath().endsWith("/") ? mount.getMountPath() : mount.getMountPath() + "/";
        if (host != null && value.startsWith(prefix) && prefix.length() > deepest) {
          moved = host.resolve(value.substring(prefix.length())).toString();
          deepest = prefix.length();
        }
      }
      env.put(var.getName(), moved);
    }
    return env;
  }

  /**
   * Writes the operator pod's volumes under {@code dir} as a kubelet would: a Secret volume's items
   * read from the API (mode 0440 → owner-readable only), an emptyDir as an empty directory. Returns
   * volume name → directory.
   */
  public Map<String, Path> materializeVolumes(KubernetesClient admin, Path dir) throws IOException {
    Map<String, Path> dirs = new LinkedHashMap<>();
    for (Volume volume : operator.getSpec().getTemplate().getSpec().getVolumes()) {
      Path target = Files.createDirectories(dir.resolve(volume.getName()));
      if (volume.getSecret() != null) {
        var secret =
            admin
                .secrets()
                .inNamespace(NAMESPACE)
                .withName(volume.getSecret().getSecretName())
                .get();
        if (secret == null) {
          throw new IllegalStateException(
              "Secret "
                  + NAMESPACE
                  + "/"
                  + volume.getSecret().getSecretName()
                  + " of the operator's volume "
                  + volume.getName()
                  + " does not exist");
        }
        var items = volume.getSecret().getItems();
        Map<String, String> data = secret.getData() == null ? Map.of() : secret.getData();
        if (items == null || items.isEmpty()) {
          for (var entry : data.entrySet()) {
            writePrivate(
                target.resolve(entry.getKey()), Base64.getDecoder().decode(entry.getValue()));
          }
        } else {
          for (var item : items) {
            String value = data.get(item.getKey());
            if (value == null) {
              throw new IllegalStateException(
                  "Secret " + volume.getSecret().getSecretName() + " has no key " + item.getKey());
            }
            writePrivate(target.resolve(item.getPath()), Base64.getDecoder().decode(value));
          }
        }
      } else if (volume.getEmptyDir() == null) {
        throw new IllegalStateException(
            "volume "
                + volume.getName()
                + " of the chart's operator is neither a "
                + "Secret nor an emptyDir, which local mode cannot provide");
      }
      dirs.put(volume.getName(), target);
    }
    return dirs;
  }

  private static void writePrivate(Path file, byte[] content) throws IOException {
    Files.deleteIfExists(file);
    Files.createFile(
        file,
        java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
            java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
    Files.write(file, content);
  }
}
