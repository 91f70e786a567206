package io.modelship.local.pods;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A container's env resolved as a kubelet does (pure): literal values, {@code fieldRef} of the pod
 * object ({@code metadata.name|namespace|uid}, {@code metadata.labels['k']}, {@code
 * metadata.annotations['k']}, {@code spec.nodeName|serviceAccountName}, {@code
 * status.podIP|hostIP}), {@code secretKeyRef} (base64 data) and {@code configMapKeyRef}. A missing
 * non-optional Secret, ConfigMap or key, or an unsupported field, is an error naming it, as the
 * kubelet's CreateContainerConfigError is.
 */
public final class PodEnv {

  static final String POD_IP = "127.0.0.1";
  private static final Pattern MAP_FIELD =
      Pattern.compile("metadata\\.(labels|annotations)\\['([^']+)'\\]");

  /**
   * Data of a Secret (base64 values) or ConfigMap (plain values) by namespace and name; empty when
   * absent.
   */
  public interface Lookup extends BiFunction<String, String, Optional<Map<String, String>>> {}

  private PodEnv() {}

  /**
   * A Secret's data as a kubelet sees it: a real API server folds {@code stringData} into {@code
   * data} on write (stringData winning), the embedded one does not, so it is done here — a Secret
   * applied from YAML with stringData (a model URI for {@code spec.model.uriFrom}) resolves.
   */
  public static Map<String, String> secretData(Secret secret) {
    var data =
        new LinkedHashMap<String, String>(secret.getData() == null ? Map.of() : secret.getData());
    if (secret.getStringData() != null) {
      secret
          .getStringData()
          .forEach(
              (k, v) ->
                  data.put(
                      k,
                      Base64.getEncoder()
                          .encodeToString((v == null ? "" : v).getBytes(StandardCharsets.UTF_8))));
    }
    return data;
  }

  public static Map<String, String> resolve(
      Pod pod, List<EnvVar> vars, Lookup secrets, Lookup configMaps) {
    Map<String, String> env = new LinkedHashMap<>();
    String namespace = pod.getMetadata().getNamespace();
    for (EnvVar var : vars == null ? List.<EnvVar>of() : vars) {
      var from = var.getValueFrom();
      if (from == null) {
        env.put(var.getName(), var.getValue() == null ? "" : var.getValue());
      } else if (from.getFieldRef() != null) {
        env.put(var.getName(), field(pod, from.getFieldRef().getFieldPath(), var.getName()));
      } else if (from.getSecretKeyRef() != null) {
        var ref = from.getSecretKeyRef();
        keyOf(
                secrets.apply(namespace, ref.getName()),
                "Secret",
                namespace,
                ref.getName(),
                ref.getKey(),
                Boolean.TRUE.equals(ref.getOptional()),
                var.getName())
            .ifPresent(
                v ->
                    env.put(
                        var.getName(),
                        new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
      } else if (from.getConfigMapKeyRef() != null) {
        var ref = from.getConfigMapKeyRef();
        keyOf(
                configMaps.apply(namespace, ref.getName()),
                "ConfigMap",
                namespace,
                ref.getName(),
                ref.getKey(),
                Boolean.TRUE.equals(ref.getOptional()),
                var.getName())
            .ifPresent(v -> env.put(var.getName(), v));
      } else {
        throw new IllegalArgumentException(
            "env "
                + var.getName()
                + ": valueFrom source not supported in local mode "
                + "(fieldRef, secretKeyRef and configMapKeyRef are)");
      }
    }
    return env;
  }

  private static Optional<String> keyOf(
      Optional<Map<String, String>> data,
      String kind,
      String namespace,
      String name,
      String key,
      boolean optional,
      String var) {
    if (data.isEmpty()) {
      if (optional) {
        return Optional.empty();
      }
      throw new IllegalArgumentException(
          "env " + var + ": " + kind + " " + namespace + "/" + name + " not found");
    }
    String value = data.get().get(key);
    if (value == null && !optional) {
      throw new IllegalArgumentException(
          "env " + var + ": key " + key + " not found in " + kind + " " + namespace + "/" + name);
    }
    return Optional.ofNullable(value);
  }

  private static String field(Pod pod, String path, String var) {
    var meta = pod.getMetadata();
    String value =
        switch (path) {
          case "metadata.name" -> meta.getName();
          case "metadata.namespace" -> meta.getNamespace();
          case "metadata.uid" -> meta.getUid();
          case "spec.nodeName" -> pod.getSpec() == null ? null : pod.getSpec().getNodeName();
          case "spec.serviceAccountName" ->
              pod.getSpec() == null ? null : pod.getSpec().getServiceAccountName();
          case "status.podIP", "status.hostIP" -> POD_IP;
          default -> {
            Matcher m = MAP_FIELD.matcher(path);
            if (!m.matches()) {
              throw new IllegalArgumentException(
                  "env " + var + ": fieldRef " + path + " not supported");
            }
            Map<String, String> map =
                m.group(1).equals("labels") ? meta.getLabels() : meta.getAnnotations();
            yield map == null ? "" : map.getOrDefault(m.group(2), "");
          }
        };
    return value == null ? "" : value;
  }
}
