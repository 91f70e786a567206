package io.modelship.helm;

import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SeccompProfile;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The Pod Security Standards' restricted profile (which includes baseline), as Pod Security
 * admission checks a pod spec: each violation is worded as kube-apiserver words its reason.
 * https://kubernetes.io/docs/concepts/security/pod-security-standards/
 */
final class RestrictedPodSecurity {

  static final Set<String> ALLOWED_VOLUMES =
      Set.of(
          "configMap",
          "csi",
          "downwardAPI",
          "emptyDir",
          "ephemeral",
          "persistentVolumeClaim",
          "projected",
          "secret");

  private RestrictedPodSecurity() {}

  static List<String> violations(PodSpec pod) {
    var found = new ArrayList<String>();
    PodSecurityContext podContext =
        Optional.ofNullable(pod.getSecurityContext()).orElseGet(PodSecurityContext::new);
    List<Container> containers =
        Stream.of(pod.getInitContainers(), pod.getContainers())
            .filter(l -> l != null)
            .flatMap(List::stream)
            .toList();

    if (Boolean.TRUE.equals(pod.getHostNetwork())
        || Boolean.TRUE.equals(pod.getHostPID())
        || Boolean.TRUE.equals(pod.getHostIPC())) {
      found.add("host namespaces (hostNetwork=true, hostPID=true or hostIPC=true)");
    }
    for (Volume volume : Optional.ofNullable(pod.getVolumes()).orElse(List.of())) {
      String type = volumeType(volume);
      if (!ALLOWED_VOLUMES.contains(type)) {
        found.add(
            "restricted volume types (volume \""
                + volume.getName()
                + "\" uses restricted volume type \""
                + type
                + "\")");
      }
    }
    for (Container c : containers) {
      SecurityContext sc =
          Optional.ofNullable(c.getSecurityContext()).orElseGet(SecurityContext::new);
      String name = "container \"" + c.getName() + "\"";
      if (Boolean.TRUE.equals(sc.getPrivileged())) {
        found.add("privileged (" + name + " must not set securityContext.privileged=true)");
      }
      if (!Boolean.FALSE.equals(sc.getAllowPrivilegeEscalation())) {
        found.add(
            "allowPrivilegeEscalation != false ("
                + name
                + " must set securityContext.allowPrivilegeEscalation=false)");
      }
      Capabilities caps = Optional.ofNullable(sc.getCapabilities()).orElseGet(Capabilities::new);
      if (caps.getDrop() == null || !caps.getDrop().contains("ALL")) {
        found.add(
            "unrestricted capabilities ("
                + name
                + " must set securityContext.capabilities.drop=[\"ALL\"])");
      }
      if (caps.getAdd() != null
          && caps.getAdd().stream().anyMatch(a -> !a.equals("NET_BIND_SERVICE"))) {
        found.add(
            "unrestricted capabilities ("
                + name
                + " must not include "
                + caps.getAdd()
                + " in securityContext.capabilities.add)");
      }
      if (c.getPorts() != null
          && c.getPorts().stream().anyMatch(p -> p.getHostPort() != null && p.getHostPort() != 0)) {
        found.add("hostPort (" + name + " uses hostPort)");
      }
      if (!effective(
          sc,
          podContext,
          SecurityContext::getRunAsNonRoot,
          PodSecurityContext::getRunAsNonRoot,
          false)) {
        found.add(
            "runAsNonRoot != true (pod or "
                + name
                + " must set securityContext.runAsNonRoot=true)");
      }
      Long uid = sc.getRunAsUser() != null ? sc.getRunAsUser() : podContext.getRunAsUser();
      if (uid != null && uid == 0) {
        found.add("runAsUser=0 (pod or " + name + " must not set runAsUser=0)");
      }
      SeccompProfile seccomp =
          sc.getSeccompProfile() != null ? sc.getSeccompProfile() : podContext.getSeccompProfile();
      if (seccomp == null || !Set.of("RuntimeDefault", "Localhost").contains(seccomp.getType())) {
        found.add(
            "seccompProfile (pod or "
                + name
                + " must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\")");
      }
      if (sc.getProcMount() != null && !"Default".equals(sc.getProcMount())) {
        found.add(
            "procMount ("
                + name
                + " must not set securityContext.procMount="
                + sc.getProcMount()
                + ")");
      }
    }
    return found;
  }

  private static boolean effective(
      SecurityContext container,
      PodSecurityContext pod,
      Function<SecurityContext, Boolean> fromContainer,
      Function<PodSecurityContext, Boolean> fromPod,
      boolean fallback) {
    Boolean value = fromContainer.apply(container);
    if (value == null) {
      value = fromPod.apply(pod);
    }
    return value == null ? fallback : value;
  }

  private static String volumeType(Volume v) {
    if (v.getConfigMap() != null) return "configMap";
    if (v.getCsi() != null) return "csi";
    if (v.getDownwardAPI() != null) return "downwardAPI";
    if (v.getEmptyDir() != null) return "emptyDir";
    if (v.getEphemeral() != null) return "ephemeral";
    if (v.getPersistentVolumeClaim() != null) return "persistentVolumeClaim";
    if (v.getProjected() != null) return "projected";
    if (v.getSecret() != null) return "secret";
    if (v.getHostPath() != null) return "hostPath";
    return "other";
  }
}
