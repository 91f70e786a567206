package io.modelship.local.kube;

import java.util.Arrays;
import java.util.Optional;

/**
 * A Kubernetes REST path taken apart: {@code /api/v1/namespaces/ml/pods/x/status} or {@code
 * /apis/apps/v1/deployments}. The core group is the empty string.
 */
public record ResourcePath(
    String group,
    String version,
    String namespace,
    String resource,
    String name,
    String subresource) {

  /** The path parsed, or empty for discovery and other non-resource paths. */
  public static Optional<ResourcePath> parse(String rawPath) {
    String[] all =
        Arrays.stream(rawPath.split("/")).filter(s -> !s.isEmpty()).toArray(String[]::new);
    String group;
    int rest;
    if (all.length >= 3 && all[0].equals("api")) {
      group = "";
      rest = 2;
    } else if (all.length >= 4 && all[0].equals("apis")) {
      group = all[1];
      rest = 3;
    } else {
      return Optional.empty();
    }
    String version = all[rest - 1];
    String[] s = Arrays.copyOfRange(all, rest, all.length);
    if (s.length >= 3 && s[0].equals("namespaces")) {
      return Optional.of(new ResourcePath(group, version, s[1], s[2], at(s, 3), at(s, 4)));
    }
    return Optional.of(new ResourcePath(group, version, null, s[0], at(s, 1), at(s, 2)));
  }

  private static String at(String[] s, int i) {
    return i < s.length ? s[i] : null;
  }

  public String groupVersion() {
    return group.isEmpty() ? version : group + "/" + version;
  }

  public boolean isCollection() {
    return name == null;
  }
}
