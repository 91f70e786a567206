package io.modelship.local.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What the embedded API serves: the built-in kinds the operator and local mode use, the Gateway API
 * routes (as on a cluster with the Gateway API CRDs installed), and every installed
 * CustomResourceDefinition, read fresh from the store on each call.
 */
public final class ApiCatalog {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> ALL = List.of("all");

  static final List<ApiResource> BUILTIN =
      List.of(
          ApiResource.builtin(
              "v1", "namespaces", "Namespace", false, List.of("ns"), List.of(), "status"),
          ApiResource.builtin("v1", "pods", "Pod", true, List.of("po"), ALL, "status"),
          ApiResource.builtin("v1", "services", "Service", true, List.of("svc"), ALL, "status"),
          ApiResource.builtin("v1", "endpoints", "Endpoints", true, List.of("ep"), List.of()),
          ApiResource.builtin("v1", "events", "Event", true, List.of("ev"), List.of()),
          ApiResource.builtin(
              "v1", "serviceaccounts", "ServiceAccount", true, List.of("sa"), List.of()),
          ApiResource.builtin("v1", "configmaps", "ConfigMap", true, List.of("cm"), List.of()),
          ApiResource.builtin("v1", "secrets", "Secret", true, List.of(), List.of()),
          ApiResource.builtin(
              "v1",
              "persistentvolumeclaims",
              "PersistentVolumeClaim",
              true,
              List.of("pvc"),
              List.of(),
              "status"),
          ApiResource.builtin(
              "apps/v1",
              "deployments",
              "Deployment",
              true,
              List.of("deploy"),
              ALL,
              "status",
              "scale"),
          ApiResource.builtin("batch/v1", "jobs", "Job", true, List.of(), ALL, "status"),
          ApiResource.builtin(
              "autoscaling/v2",
              "horizontalpodautoscalers",
              "HorizontalPodAutoscaler",
              true,
              List.of("hpa"),
              ALL,
              "status"),
          ApiResource.builtin(
              "policy/v1",
              "poddisruptionbudgets",
              "PodDisruptionBudget",
              true,
              List.of("pdb"),
              List.of(),
              "status"),
          ApiResource.builtin(
              "rbac.authorization.k8s.io/v1", "roles", "Role", true, List.of(), List.of()),
          ApiResource.builtin(
              "rbac.authorization.k8s.io/v1",
              "rolebindings",
              "RoleBinding",
              true,
              List.of(),
              List.of()),
          ApiResource.builtin(
              "rbac.authorization.k8s.io/v1",
              "clusterroles",
              "ClusterRole",
              false,
              List.of(),
              List.of()),
          ApiResource.builtin(
              "rbac.authorization.k8s.io/v1",
              "clusterrolebindings",
              "ClusterRoleBinding",
              false,
              List.of(),
              List.of()),
          ApiResource.builtin(
              "coordination.k8s.io/v1", "leases", "Lease", true, List.of(), List.of()),
          ApiResource.builtin(
              "authorization.k8s.io/v1",
              "selfsubjectaccessreviews",
              "SelfSubjectAccessReview",
              false,
              List.of(),
              List.of()),
          ApiResource.builtin(
              "authorization.k8s.io/v1",
              "selfsubjectrulesreviews",
              "SelfSubjectRulesReview",
              false,
              List.of(),
              List.of()),
          ApiResource.builtin(
              "apiextensions.k8s.io/v1",
              "customresourcedefinitions",
              "CustomResourceDefinition",
              false,
              List.of("crd", "crds"),
              List.of(),
              "status"),
          ApiResource.builtin(
              "gateway.networking.k8s.io/v1",
              "httproutes",
              "HTTPRoute",
              true,
              List.of(),
              List.of("gateway-api"),
              "status"),
          ApiResource.builtin(
              "gateway.networking.k8s.io/v1",
              "gateways",
              "Gateway",
              true,
              List.of("gtw"),
              List.of("gateway-api"),
              "status"));

  private final Supplier<JsonNode> crdList;

  /**
   * @param crdList the current CustomResourceDefinitionList from the store
   */
  public ApiCatalog(Supplier<JsonNode> crdList) {
    this.crdList = crdList;
  }

  public List<ApiResource> all() {
    List<ApiResource> all = new ArrayList<>(BUILTIN);
    for (JsonNode crd : crdList.get().path("items")) {
      JsonNode spec = crd.path("spec");
      JsonNode names = spec.path("names");
      for (JsonNode version : spec.path("versions")) {
        if (!version.path("served").asBoolean(true)) {
          continue;
        }
        List<String> subresources = new ArrayList<>();
        version.path("subresources").fieldNames().forEachRemaining(subresources::add);
        List<JsonNode> columns = new ArrayList<>();
        version.path("additionalPrinterColumns").forEach(columns::add);
        all.add(
            new ApiResource(
                spec.path("group").asText(),
                version.path("name").asText(),
                names.path("plural").asText(),
                names.path("singular").asText(names.path("kind").asText().toLowerCase()),
                names.path("kind").asText(),
                "Namespaced".equals(spec.path("scope").asText()),
                strings(names.path("shortNames")),
                strings(names.path("categories")),
                List.copyOf(subresources),
                List.copyOf(columns),
                version.path("schema").path("openAPIV3Schema")));
      }
    }
    return all;
  }

  public Optional<ApiResource> find(String group, String version, String plural) {
    return all().stream()
        .filter(
            r ->
                r.group().equals(group) && r.version().equals(version) && r.plural().equals(plural))
        .findFirst();
  }

  /** {@code GET /api}. */
  public ObjectNode coreVersions(String serverAddress) {
    ObjectNode root = JSON.createObjectNode().put("kind", "APIVersions");
    root.putArray("versions").add("v1");
    root.putArray("serverAddressByClientCIDRs")
        .addObject()
        .put("clientCIDR", "0.0.0.0/0")
        .put("serverAddress", serverAddress);
    return root;
  }

  /** {@code GET /apis}: every non-core group with its versions. */
  public ObjectNode groups() {
    Map<String, List<String>> groups = new LinkedHashMap<>();
    for (ApiResource r : all()) {
      if (!r.group().isEmpty()) {
        List<String> versions = groups.computeIfAbsent(r.group(), g -> new ArrayList<>());
        if (!versions.contains(r.version())) {
          versions.add(r.version());
        }
      }
    }
    ObjectNode root = JSON.createObjectNode().put("kind", "APIGroupList").put("apiVersion", "v1");
    ArrayNode list = root.putArray("groups");
    groups.forEach(
        (name, versions) -> {
          ObjectNode group = list.addObject().put("name", name);
          ArrayNode vs = group.putArray("versions");
          versions.forEach(
              v -> vs.addObject().put("groupVersion", name + "/" + v).put("version", v));
          group
              .putObject("preferredVersion")
              .put("groupVersion", name + "/" + versions.getFirst())
              .put("version", versions.getFirst());
        });
    return root;
  }

  /** {@code GET /apis/GROUP}, or empty for an unknown group. */
  public Optional<ObjectNode> group(String name) {
    return groups()
        .path("groups")
        .valueStream()
        .filter(g -> g.path("name").asText().equals(name))
        .findFirst()
        .map(
            g -> {
              ObjectNode group = ((ObjectNode) g).deepCopy();
              group.put("kind", "APIGroup").put("apiVersion", "v1");
              return group;
            });
  }

  /** {@code GET /api/v1} or {@code /apis/GROUP/VERSION}, or empty when nothing is served there. */
  public Optional<ObjectNode> resourceList(String group, String version) {
    List<ApiResource> resources =
        all().stream().filter(r -> r.group().equals(group) && r.version().equals(version)).toList();
    if (resources.isEmpty()) {
      return Optional.empty();
    }
    ObjectNode root =
        JSON.createObjectNode()
            .put("kind", "APIResourceList")
            .put("apiVersion", "v1")
            .put("groupVersion", group.isEmpty() ? version : group + "/" + version);
    ArrayNode list = root.putArray("resources");
    for (ApiResource r : resources) {
      ObjectNode entry =
          list.addObject()
              .put("name", r.plural())
              .put("singularName", r.singular())
              .put("namespaced", r.namespaced())
              .put("kind", r.kind());
      ArrayNode verbs = entry.putArray("verbs");
      ApiResource.VERBS.forEach(verbs::add);
      if (!r.shortNames().isEmpty()) {
        ArrayNode shortNames = entry.putArray("shortNames");
        r.shortNames().forEach(shortNames::add);
      }
      if (!r.categories().isEmpty()) {
        ArrayNode categories = entry.putArray("categories");
        r.categories().forEach(categories::add);
      }
      for (String sub : r.subresources()) {
        ObjectNode s =
            list.addObject()
                .put("name", r.plural() + "/" + sub)
                .put("singularName", "")
                .put("namespaced", r.namespaced())
                .put("kind", sub.equals("scale") ? "Scale" : r.kind());
        s.putArray("verbs").add("get").add("patch").add("update");
      }
    }
    return Optional.of(root);
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return List.copyOf(out);
  }
}
