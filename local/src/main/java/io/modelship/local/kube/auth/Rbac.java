package io.modelship.local.kube.auth;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * RBAC as kube-apiserver's RBAC authorizer evaluates it: the rules of every ClusterRoleBinding and
 * of every RoleBinding in the request's namespace (a RoleBinding to a ClusterRole grants that
 * ClusterRole's rules in the binding's namespace only) whose subjects name the user, one of its
 * groups, or its ServiceAccount. A rule matches by verb, API group, resource (with {@code
 * resource/subresource}, {@code *} and {@code * /subresource}), resourceNames and, for
 * ClusterRoles, nonResourceURLs (a trailing {@code *} is a prefix). Members of {@code
 * system:masters} are allowed everything, as kube-apiserver's privileged-group authorizer allows
 * them. Also the escalation check of the RBAC storage: a Role's rules or a binding's role must be
 * covered by what the writer holds, unless it has {@code escalate} or {@code bind}.
 */
public final class Rbac {

  public record Rule(
      List<String> verbs,
      List<String> apiGroups,
      List<String> resources,
      List<String> resourceNames,
      List<String> nonResourceURLs) {

    public static Rule of(JsonNode rule) {
      return new Rule(
          strings(rule.path("verbs")),
          strings(rule.path("apiGroups")),
          strings(rule.path("resources")),
          strings(rule.path("resourceNames")),
          strings(rule.path("nonResourceURLs")));
    }

    /** As kube's {@code rbacv1helpers.CompactString} prints a rule in an escalation error. */
    public String compact() {
      List<String> parts = new ArrayList<>();
      if (!apiGroups.isEmpty()) {
        parts.add("APIGroups:" + quoted(apiGroups));
      }
      if (!resources.isEmpty()) {
        parts.add("Resources:" + quoted(resources));
      }
      if (!nonResourceURLs.isEmpty()) {
        parts.add("NonResourceURLs:" + quoted(nonResourceURLs));
      }
      if (!resourceNames.isEmpty()) {
        parts.add("ResourceNames:" + quoted(resourceNames));
      }
      parts.add("Verbs:" + quoted(verbs));
      return "{" + String.join(", ", parts) + "}";
    }
  }

  /** The RBAC objects of the store, read once per decision. */
  public record Policy(
      List<JsonNode> roles,
      List<JsonNode> clusterRoles,
      List<JsonNode> roleBindings,
      List<JsonNode> clusterRoleBindings) {}

  private Rbac() {}

  public static boolean allows(UserInfo user, RequestAttributes request, Policy policy) {
    if (user.inGroup(UserInfo.MASTERS)) {
      return true;
    }
    return rulesFor(user, request.namespace(), policy).stream()
        .anyMatch(rule -> matches(rule, request));
  }

  /** Every rule granted to {@code user} in {@code namespace} (empty: cluster-wide rules only). */
  public static List<Rule> rulesFor(UserInfo user, String namespace, Policy policy) {
    List<Rule> rules = new ArrayList<>();
    for (JsonNode binding : policy.clusterRoleBindings()) {
      if (bindsUser(binding, user, "")) {
        clusterRole(policy, binding.path("roleRef").path("name").asText())
            .ifPresent(role -> role.path("rules").forEach(r -> rules.add(Rule.of(r))));
      }
    }
    if (namespace != null && !namespace.isEmpty()) {
      for (JsonNode binding : policy.roleBindings()) {
        if (!namespace.equals(binding.path("metadata").path("namespace").asText())
            || !bindsUser(binding, user, namespace)) {
          continue;
        }
        roleOf(policy, binding.path("roleRef"), namespace)
            .ifPresent(
                role ->
                    role.path("rules")
                        .forEach(
                            r -> {
                              Rule rule = Rule.of(r);
                              // nonResourceURLs are cluster-scoped: a RoleBinding never grants
                              // them.
                              if (rule.nonResourceURLs().isEmpty()) {
                                rules.add(rule);
                              }
                            }));
      }
    }
    return rules;
  }

  /** The role a binding's roleRef names, a Role in {@code namespace} or a ClusterRole. */
  public static Optional<JsonNode> roleOf(Policy policy, JsonNode roleRef, String namespace) {
    String name = roleRef.path("name").asText();
    if ("ClusterRole".equals(roleRef.path("kind").asText())) {
      return clusterRole(policy, name);
    }
    return policy.roles().stream()
        .filter(
            r ->
                name.equals(r.path("metadata").path("name").asText())
                    && namespace.equals(r.path("metadata").path("namespace").asText()))
        .findFirst();
  }

  private static Optional<JsonNode> clusterRole(Policy policy, String name) {
    return policy.clusterRoles().stream()
        .filter(r -> name.equals(r.path("metadata").path("name").asText()))
        .findFirst();
  }

  static boolean bindsUser(JsonNode binding, UserInfo user, String bindingNamespace) {
    for (JsonNode subject : binding.path("subjects")) {
      String kind = subject.path("kind").asText();
      String name = subject.path("name").asText();
      switch (kind) {
        case "User" -> {
          if (name.equals(user.name())) {
            return true;
          }
        }
        case "Group" -> {
          if (user.inGroup(name)) {
            return true;
          }
        }
        case "ServiceAccount" -> {
          String ns = subject.path("namespace").asText(bindingNamespace);
          if (ns.isEmpty()) {
            ns = bindingNamespace;
          }
          if (("system:serviceaccount:" + ns + ":" + name).equals(user.name())) {
            return true;
          }
        }
        default -> {}
      }
    }
    return false;
  }

  public static boolean matches(Rule rule, RequestAttributes request) {
    if (!has(rule.verbs(), request.verb())) {
      return false;
    }
    if (!request.resourceRequest()) {
      return rule.nonResourceURLs().stream()
          .anyMatch(
              url ->
                  url.equals("*")
                      || url.equals(request.path())
                      || url.endsWith("*")
                          && request.path().startsWith(url.substring(0, url.length() - 1)));
    }
    return has(rule.apiGroups(), request.apiGroup())
        && resourceMatches(rule.resources(), request.resource(), request.subresource())
        && (rule.resourceNames().isEmpty() || rule.resourceNames().contains(request.name()));
  }

  private static boolean has(List<String> values, String value) {
    return values.contains("*") || values.contains(value);
  }

  private static boolean resourceMatches(
      List<String> ruleResources, String resource, String subresource) {
    String combined = subresource.isEmpty() ? resource : resource + "/" + subresource;
    for (String r : ruleResources) {
      if (r.equals("*") || r.equals(combined)) {
        return true;
      }
      if (!subresource.isEmpty() && r.equals("*/" + subresource)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The rules of {@code granted} that {@code held} does not cover, broken down as kube's {@code
   * validation.Covers} breaks them: one verb, group, resource and name at a time; a {@code *} in a
   * granted rule is covered only by a {@code *}.
   */
  public static List<Rule> uncovered(List<Rule> held, List<Rule> granted) {
    List<Rule> missing = new ArrayList<>();
    for (Rule rule : granted) {
      for (Rule atom : breakDown(rule)) {
        if (held.stream().noneMatch(owner -> covers(owner, atom))) {
          missing.add(atom);
        }
      }
    }
    return missing;
  }

  private static List<Rule> breakDown(Rule rule) {
    List<Rule> atoms = new ArrayList<>();
    for (String verb : rule.verbs()) {
      for (String url : rule.nonResourceURLs()) {
        atoms.add(new Rule(List.of(verb), List.of(), List.of(), List.of(), List.of(url)));
      }
      for (String group : rule.apiGroups()) {
        for (String resource : rule.resources()) {
          if (rule.resourceNames().isEmpty()) {
            atoms.add(
                new Rule(List.of(verb), List.of(group), List.of(resource), List.of(), List.of()));
          }
          for (String name : rule.resourceNames()) {
            atoms.add(
                new Rule(
                    List.of(verb), List.of(group), List.of(resource), List.of(name), List.of()));
          }
        }
      }
    }
    return atoms;
  }

  private static boolean covers(Rule owner, Rule atom) {
    if (!owner.verbs().contains("*") && !owner.verbs().containsAll(atom.verbs())) {
      return false;
    }
    if (!atom.nonResourceURLs().isEmpty()) {
      String url = atom.nonResourceURLs().getFirst();
      return owner.nonResourceURLs().stream()
          .anyMatch(
              o ->
                  o.equals("*")
                      || o.equals(url)
                      || o.endsWith("*") && url.startsWith(o.substring(0, o.length() - 1)));
    }
    if (!owner.apiGroups().contains("*") && !owner.apiGroups().containsAll(atom.apiGroups())) {
      return false;
    }
    String resource = atom.resources().getFirst();
    boolean resourceCovered =
        owner.resources().contains("*")
            || owner.resources().contains(resource)
            || resource.contains("/")
                && owner.resources().contains("*" + resource.substring(resource.indexOf('/')));
    if (!resourceCovered) {
      return false;
    }
    // A rule on every object of a resource is covered only by one on every object.
    return owner.resourceNames().isEmpty()
        || !atom.resourceNames().isEmpty()
            && owner.resourceNames().containsAll(atom.resourceNames());
  }

  /**
   * kube-apiserver's 403 message for a denied request, after {@code <resource>.<group> "<name>" is
   * forbidden: }.
   */
  public static String forbiddenMessage(UserInfo user, RequestAttributes request) {
    if (!request.resourceRequest()) {
      return "forbidden: User \""
          + user.name()
          + "\" cannot "
          + request.verb()
          + " path \""
          + request.path()
          + "\"";
    }
    String what =
        request.apiGroup().isEmpty()
            ? request.resource()
            : request.resource() + "." + request.apiGroup();
    String prefix =
        request.name().isEmpty()
            ? what + " is forbidden: "
            : what + " \"" + request.name() + "\" is forbidden: ";
    String scope =
        request.namespace().isEmpty()
            ? " at the cluster scope"
            : " in the namespace \"" + request.namespace() + "\"";
    return prefix
        + "User \""
        + user.name()
        + "\" cannot "
        + request.verb()
        + " resource \""
        + request.resourceAndSubresource()
        + "\" in API group \""
        + request.apiGroup()
        + "\""
        + scope;
  }

  /** The escalation error's text after {@code ... is forbidden: }, as the RBAC storage words it. */
  public static String escalationMessage(UserInfo user, List<Rule> missing) {
    return "user \""
        + user.name()
        + "\" (groups="
        + quoted(user.groups())
        + ") is attempting to grant RBAC permissions not currently held:\n"
        + missing.stream().map(Rule::compact).collect(Collectors.joining("\n"));
  }

  /** As Go's {@code %q} prints a {@code []string}: {@code ["a" "b"]}. */
  private static String quoted(List<String> values) {
    return values.stream().map(v -> "\"" + v + "\"").collect(Collectors.joining(" ", "[", "]"));
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return List.copyOf(out);
  }
}
