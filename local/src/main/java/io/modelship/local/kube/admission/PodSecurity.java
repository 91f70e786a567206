package io.modelship.local.kube.admission;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The Pod Security Standards' baseline and restricted profiles, checked as the Pod Security
 * admission controller checks a pod spec, with its wording: each failed check is a reason such as
 * {@code allowPrivilegeEscalation != false (container "x" must set
 * securityContext.allowPrivilegeEscalation=false)}, in the order of the checks' IDs. Not checked:
 * AppArmor, SELinux options and Windows HostProcess.
 */
public final class PodSecurity {

  public static final String ENFORCE = "pod-security.kubernetes.io/enforce";
  public static final String WARN = "pod-security.kubernetes.io/warn";
  private static final Set<String> BASELINE_CAPABILITIES =
      Set.of(
          "AUDIT_WRITE",
          "CHOWN",
          "DAC_OVERRIDE",
          "FOWNER",
          "FSETID",
          "KILL",
          "MKNOD",
          "NET_BIND_SERVICE",
          "SETFCAP",
          "SETGID",
          "SETPCAP",
          "SETUID",
          "SYS_CHROOT");
  private static final Set<String> RESTRICTED_VOLUMES =
      Set.of(
          "configMap",
          "csi",
          "downwardAPI",
          "emptyDir",
          "ephemeral",
          "persistentVolumeClaim",
          "projected",
          "secret");
  private static final Set<String> SAFE_SYSCTLS =
      Set.of(
          "kernel.shm_rmid_forced",
          "net.ipv4.ip_local_port_range",
          "net.ipv4.ip_unprivileged_port_start",
          "net.ipv4.tcp_syncookies",
          "net.ipv4.ping_group_range",
          "net.ipv4.ip_local_reserved_ports",
          "net.ipv4.tcp_keepalive_time",
          "net.ipv4.tcp_fin_timeout",
          "net.ipv4.tcp_keepalive_intvl",
          "net.ipv4.tcp_keepalive_probes");

  private PodSecurity() {}

  /**
   * The reasons {@code spec} (a PodSpec) breaks {@code level} (privileged, baseline or restricted).
   */
  public static List<String> violations(JsonNode spec, String level) {
    boolean restricted = level.equals("restricted");
    if (!restricted && !level.equals("baseline")) {
      return List.of();
    }
    List<JsonNode> containers = new ArrayList<>();
    for (String list : List.of("initContainers", "containers", "ephemeralContainers")) {
      spec.path(list).forEach(containers::add);
    }
    JsonNode pod = spec.path("securityContext");
    List<String> reasons = new ArrayList<>();
    if (restricted) {
      String names =
          names(
              containers,
              c ->
                  !sc(c).path("allowPrivilegeEscalation").isBoolean()
                      || sc(c).path("allowPrivilegeEscalation").asBoolean());
      if (names != null) {
        reasons.add(
            "allowPrivilegeEscalation != false ("
                + names
                + " must set securityContext.allowPrivilegeEscalation=false)");
      }
    }
    capabilities(containers, restricted).ifPresent(reasons::add);
    List<String> host = new ArrayList<>();
    for (String ns : List.of("hostNetwork", "hostPID", "hostIPC")) {
      if (spec.path(ns).asBoolean(false)) {
        host.add(ns + "=true");
      }
    }
    if (!host.isEmpty()) {
      reasons.add("host namespaces (" + String.join(", ", host) + ")");
    }
    List<String> hostPaths = new ArrayList<>();
    spec.path("volumes")
        .forEach(
            v -> {
              if (v.has("hostPath")) {
                hostPaths.add(v.path("name").asText());
              }
            });
    if (!hostPaths.isEmpty()) {
      reasons.add("hostPath volumes (" + plural("volume", hostPaths) + ")");
    }
    List<String> ports = new ArrayList<>();
    for (JsonNode c : containers) {
      Set<String> used = new LinkedHashSet<>();
      c.path("ports")
          .forEach(
              p -> {
                if (p.path("hostPort").asInt(0) != 0) {
                  used.add(p.path("hostPort").asText());
                }
              });
      if (!used.isEmpty()) {
        ports.add(
            "container \""
                + c.path("name").asText()
                + "\" uses "
                + (used.size() == 1 ? "hostPort " : "hostPorts ")
                + String.join(", ", used));
      }
    }
    if (!ports.isEmpty()) {
      reasons.add("hostPort (" + String.join(", ", ports) + ")");
    }
    String privileged = names(containers, c -> sc(c).path("privileged").asBoolean(false));
    if (privileged != null) {
      reasons.add("privileged (" + privileged + " must not set securityContext.privileged=true)");
    }
    String procMount =
        names(
            containers,
            c -> sc(c).has("procMount") && !sc(c).path("procMount").asText().equals("Default"));
    if (procMount != null) {
      reasons.add(
          "procMount (" + procMount + " must not set securityContext.procMount to \"Unmasked\")");
    }
    if (restricted) {
      List<String> volumes = new ArrayList<>();
      spec.path("volumes")
          .forEach(
              v -> {
                List<String> types = new ArrayList<>();
                v.fieldNames()
                    .forEachRemaining(
                        f -> {
                          if (!f.equals("name") && !RESTRICTED_VOLUMES.contains(f)) {
                            types.add(f);
                          }
                        });
                if (!types.isEmpty()) {
                  volumes.add(
                      "volume \""
                          + v.path("name").asText()
                          + "\" uses restricted volume type \""
                          + types.getFirst()
                          + "\"");
                }
              });
      if (!volumes.isEmpty()) {
        reasons.add("restricted volume types (" + String.join(", ", volumes) + ")");
      }
      runAsNonRoot(pod, containers).ifPresent(reasons::add);
    }
    List<String> root = new ArrayList<>();
    if (restricted && pod.path("runAsUser").isNumber() && pod.path("runAsUser").asLong() == 0) {
      root.add("pod must not set runAsUser=0");
    }
    String rootContainers =
        restricted
            ? names(
                containers,
                c -> sc(c).path("runAsUser").isNumber() && sc(c).path("runAsUser").asLong() == 0)
            : null;
    if (rootContainers != null) {
      root.add(rootContainers + " must not set runAsUser=0");
    }
    if (!root.isEmpty()) {
      reasons.add("runAsUser=0 (" + String.join("; ", root) + ")");
    }
    seccomp(pod, containers, restricted).ifPresent(reasons::add);
    List<String> sysctls = new ArrayList<>();
    pod.path("sysctls")
        .forEach(
            s -> {
              if (!SAFE_SYSCTLS.contains(s.path("name").asText())) {
                sysctls.add(s.path("name").asText());
              }
            });
    if (!sysctls.isEmpty()) {
      reasons.add("forbidden sysctls (" + String.join(", ", sysctls) + ")");
    }
    return reasons;
  }

  private static java.util.Optional<String> capabilities(
      List<JsonNode> containers, boolean restricted) {
    List<String> parts = new ArrayList<>();
    if (restricted) {
      String noDrop =
          names(
              containers,
              c -> {
                for (JsonNode d : sc(c).path("capabilities").path("drop")) {
                  if (d.asText().equals("ALL")) {
                    return false;
                  }
                }
                return true;
              });
      if (noDrop != null) {
        parts.add(noDrop + " must set securityContext.capabilities.drop=[\"ALL\"]");
      }
    }
    for (JsonNode c : containers) {
      List<String> added = new ArrayList<>();
      sc(c)
          .path("capabilities")
          .path("add")
          .forEach(
              a -> {
                boolean allowed =
                    restricted
                        ? a.asText().equals("NET_BIND_SERVICE")
                        : BASELINE_CAPABILITIES.contains(a.asText());
                if (!allowed) {
                  added.add("\"" + a.asText() + "\"");
                }
              });
      if (!added.isEmpty()) {
        parts.add(
            "container \""
                + c.path("name").asText()
                + "\" must not include "
                + String.join(", ", added)
                + " in securityContext.capabilities.add");
      }
    }
    if (parts.isEmpty()) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(
        (restricted ? "unrestricted capabilities (" : "non-default capabilities (")
            + String.join("; ", parts)
            + ")");
  }

  private static java.util.Optional<String> runAsNonRoot(JsonNode pod, List<JsonNode> containers) {
    if (pod.path("runAsNonRoot").isBoolean() && !pod.path("runAsNonRoot").asBoolean()) {
      return java.util.Optional.of(
          "runAsNonRoot != true (pod must not set securityContext.runAsNonRoot=false)");
    }
    String setFalse =
        names(
            containers,
            c -> sc(c).path("runAsNonRoot").isBoolean() && !sc(c).path("runAsNonRoot").asBoolean());
    if (setFalse != null) {
      return java.util.Optional.of(
          "runAsNonRoot != true ("
              + setFalse
              + " must not set securityContext.runAsNonRoot=false)");
    }
    if (pod.path("runAsNonRoot").asBoolean(false)) {
      return java.util.Optional.empty();
    }
    String unset = names(containers, c -> !sc(c).path("runAsNonRoot").asBoolean(false));
    return unset == null
        ? java.util.Optional.empty()
        : java.util.Optional.of(
            "runAsNonRoot != true (pod or "
                + unset
                + " must set securityContext.runAsNonRoot=true)");
  }

  private static java.util.Optional<String> seccomp(
      JsonNode pod, List<JsonNode> containers, boolean restricted) {
    Predicate<JsonNode> valid =
        p ->
            p.path("type").asText().equals("RuntimeDefault")
                || p.path("type").asText().equals("Localhost");
    JsonNode podProfile = pod.path("seccompProfile");
    if (!restricted) {
      List<String> parts = new ArrayList<>();
      if (podProfile.path("type").asText().equals("Unconfined")) {
        parts.add("pod must not set securityContext.seccompProfile.type to \"Unconfined\"");
      }
      String names =
          names(
              containers,
              c -> sc(c).path("seccompProfile").path("type").asText().equals("Unconfined"));
      if (names != null) {
        parts.add(names + " must not set securityContext.seccompProfile.type to \"Unconfined\"");
      }
      return parts.isEmpty()
          ? java.util.Optional.empty()
          : java.util.Optional.of("seccompProfile (" + String.join("; ", parts) + ")");
    }
    if (podProfile.has("type") && !valid.test(podProfile)) {
      return java.util.Optional.of(
          "seccompProfile (pod must not set securityContext.seccompProfile.type to \""
              + podProfile.path("type").asText()
              + "\")");
    }
    String bad =
        names(
            containers,
            c ->
                sc(c).path("seccompProfile").has("type")
                    && !valid.test(sc(c).path("seccompProfile")));
    if (bad != null) {
      return java.util.Optional.of(
          "seccompProfile ("
              + bad
              + " must not set securityContext.seccompProfile.type to \"Unconfined\")");
    }
    if (valid.test(podProfile)) {
      return java.util.Optional.empty();
    }
    String unset = names(containers, c -> !valid.test(sc(c).path("seccompProfile")));
    return unset == null
        ? java.util.Optional.empty()
        : java.util.Optional.of(
            "seccompProfile (pod or "
                + unset
                + " must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\")");
  }

  private static JsonNode sc(JsonNode container) {
    return container.path("securityContext");
  }

  /** {@code container "a"} or {@code containers "a", "b"} for those matching, or null for none. */
  private static String names(List<JsonNode> containers, Predicate<JsonNode> failing) {
    List<String> names =
        containers.stream().filter(failing).map(c -> c.path("name").asText()).toList();
    return names.isEmpty() ? null : plural("container", names);
  }

  private static String plural(String noun, List<String> names) {
    return (names.size() == 1 ? noun + " " : noun + "s ")
        + names.stream().map(n -> "\"" + n + "\"").collect(Collectors.joining(", "));
  }

  /** {@code restricted:latest}, or with the namespace's {@code -version} label. */
  public static String policy(String level, String version) {
    return level + ":" + (version == null || version.isBlank() ? "latest" : version);
  }

  /** The pod template of a workload object, or null when it is not one. */
  public static JsonNode template(String group, String resource, JsonNode object) {
    if (group.equals("apps")
            && Set.of("deployments", "replicasets", "statefulsets", "daemonsets").contains(resource)
        || group.equals("batch") && resource.equals("jobs")
        || group.isEmpty() && resource.equals("replicationcontrollers")) {
      return object.path("spec").path("template").path("spec");
    }
    if (group.equals("batch") && resource.equals("cronjobs")) {
      return object.path("spec").path("jobTemplate").path("spec").path("template").path("spec");
    }
    return null;
  }
}
