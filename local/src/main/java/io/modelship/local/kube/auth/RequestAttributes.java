package io.modelship.local.kube.auth;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A request as kube-apiserver's RequestInfoFactory reads it for authorization: the verb from the
 * HTTP method (GET of a collection is {@code list}, with {@code watch=true} {@code watch}; DELETE
 * of a collection {@code deletecollection}), the API group, resource, subresource, namespace and
 * name from the path; anything outside {@code /api} and {@code /apis} is a non-resource request
 * whose verb is the lower-cased method.
 */
public record RequestAttributes(
    String verb,
    boolean resourceRequest,
    String apiGroup,
    String apiVersion,
    String resource,
    String subresource,
    String namespace,
    String name,
    String path) {

  private static final Set<String> NAMESPACE_SUBRESOURCES = Set.of("status", "finalize");

  public static RequestAttributes parse(String method, String path, Map<String, String> query) {
    String m = method.toUpperCase(Locale.ROOT);
    String[] parts =
        Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toArray(String[]::new);
    String nonResourceVerb = m.toLowerCase(Locale.ROOT);
    int rest;
    String group;
    if (parts.length >= 3 && parts[0].equals("api")) {
      group = "";
      rest = 2;
    } else if (parts.length >= 4 && parts[0].equals("apis")) {
      group = parts[1];
      rest = 3;
    } else {
      return new RequestAttributes(nonResourceVerb, false, "", "", "", "", "", "", path);
    }
    String version = parts[rest - 1];
    String[] s = Arrays.copyOfRange(parts, rest, parts.length);
    boolean watchPath = s.length > 0 && s[0].equals("watch");
    if (watchPath) {
      s = Arrays.copyOfRange(s, 1, s.length);
    }
    String namespace = "";
    if (s.length >= 2 && s[0].equals("namespaces")) {
      namespace = s[1];
      if (s.length > 2 && !NAMESPACE_SUBRESOURCES.contains(s[2])) {
        s = Arrays.copyOfRange(s, 2, s.length);
      }
    }
    String resource = s.length > 0 ? s[0] : "";
    String name = s.length > 1 ? s[1] : "";
    String subresource = s.length > 2 ? s[2] : "";
    boolean watch =
        watchPath || "true".equals(query.get("watch")) || "1".equals(query.get("watch"));
    String verb =
        switch (m) {
          case "GET", "HEAD" -> watch ? "watch" : name.isEmpty() ? "list" : "get";
          case "POST" -> "create";
          case "PUT" -> "update";
          case "PATCH" -> "patch";
          case "DELETE" -> name.isEmpty() ? "deletecollection" : "delete";
          default -> nonResourceVerb;
        };
    return new RequestAttributes(
        verb, true, group, version, resource, subresource, namespace, name, path);
  }

  /** {@code deployments}, or {@code modeldeployments/status} for a subresource. */
  public String resourceAndSubresource() {
    return subresource.isEmpty() ? resource : resource + "/" + subresource;
  }
}
