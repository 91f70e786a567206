package io.modelship.operator.rollout.traffic;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.modelship.api.gateway.GatewayApi;
import io.modelship.api.v1alpha1.ModelDeployment;
import io.modelship.api.v1alpha1.spec.CanaryStep;
import io.modelship.api.v1alpha1.spec.GatewayApiRouting;
import io.modelship.api.v1alpha1.spec.RolloutSpec;
import io.modelship.api.v1alpha1.spec.RolloutStrategy;
import io.modelship.api.v1alpha1.status.HeaderRoute;
import io.modelship.operator.problem.Problem;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Writing and reading the Gateway API router's weights ({@link GatewayApiRouter} decides and
 * verifies them): the HTTPRoute (gateway.networking.k8s.io/v1) that carries canary weights as
 * weighted backendRefs to the per-version Services. A route the operator created (because none
 * existed and {@code gatewayAPI.gateway} names its parent) is owned and fully written; a route the
 * user created is never owned and only its rules' {@code backendRefs} and {@code filters} are
 * patched (RFC 6902), so its parents, hostnames, matches and metadata stay the user's — and only
 * when the route opts in with the annotation {@value #OPT_IN_ANNOTATION} naming this
 * ModelDeployment. Without it, whoever may edit a ModelDeployment could point it at another app's
 * route and have the operator, with its own rights, rewrite that app's traffic. Defaults are
 * written out: {@code group}, {@code kind}, {@code port}, {@code weight}.
 *
 * <p>The names the route refers to (the per-version Services, an owned route's metadata) follow the
 * operator's naming of its children and are handed in by whoever builds one, so this package
 * depends on no dependent.
 */
public final class GatewayApiRoute {

  public static final int SERVICE_PORT = 80;

  /** On a user's HTTPRoute: the ModelDeployment (same namespace) allowed to set its backendRefs. */
  public static final String OPT_IN_ANNOTATION = "modelship.io/model-deployment";

  public static final String NOT_OPTED_IN = "HTTPRouteNotOptedIn";

  private final ModelDeployment md;
  private final Function<String, String> versionService;
  private final Function<String, ObjectMeta> childMetadata;

  /**
   * @param versionService the name of a version's Service, by version
   * @param childMetadata the metadata of an object the operator owns for {@code md}, by name
   */
  public GatewayApiRoute(
      ModelDeployment md,
      Function<String, String> versionService,
      Function<String, ObjectMeta> childMetadata) {
    this.md = md;
    this.versionService = versionService;
    this.childMetadata = childMetadata;
  }

  /** The route named in a canary spec, when its traffic goes through Gateway API. */
  public static Optional<String> routeName(ModelDeployment md) {
    return routing(md.getSpec().getRollout()).map(GatewayApiRouting::getHttpRoute);
  }

  /** The Gateway API routing of a canary spec; empty when its router is the replica ratio. */
  public static Optional<GatewayApiRouting> routing(RolloutSpec rollout) {
    if (rollout == null
        || rollout.getStrategy() != RolloutStrategy.Canary
        || rollout.getCanary() == null
        || rollout.getCanary().getTrafficRouting() == null) {
      return Optional.empty();
    }
    return Optional.ofNullable(rollout.getCanary().getTrafficRouting().getGatewayAPI());
  }

  /** The route as the cluster has it now, with whether we own it. */
  public record Observed(GenericKubernetesResource route, boolean owned) {}

  public static Optional<Observed> read(ModelDeployment md, KubernetesClient client) {
    return routeName(md)
        .flatMap(
            name ->
                Optional.ofNullable(
                    client
                        .genericKubernetesResources(GatewayApi.HTTP_ROUTE)
                        .inNamespace(md.getMetadata().getNamespace())
                        .withName(name)
                        .get()))
        .map(route -> new Observed(route, ownedBy(route, md)));
  }

  /** What keeps the route from being used, checked before anything changes. */
  public static Optional<Problem> problem(ModelDeployment md, Optional<Observed> observed) {
    Optional<GatewayApiRouting> routing = routing(md.getSpec().getRollout());
    if (routing.isEmpty()) {
      return Optional.empty();
    }
    String name = routing.get().getHttpRoute();
    if (observed.isEmpty()
        && (routing.get().getGateway() == null || routing.get().getGateway().isBlank())) {
      return Optional.of(
          new Problem(
              "HTTPRouteNotFound",
              "HTTPRoute "
                  + name
                  + " named in spec.rollout.canary.trafficRouting"
                  + " does not exist in namespace "
                  + md.getMetadata().getNamespace()
                  + "; create it, or set gatewayAPI.gateway so the operator creates it"));
    }
    if (observed.isPresent() && !observed.get().owned()) {
      String allowed = optIn(observed.get().route());
      String self = md.getMetadata().getName();
      if (!self.equals(allowed)) {
        return Optional.of(
            new Problem(
                NOT_OPTED_IN,
                "HTTPRoute "
                    + name
                    + " is not the operator's and "
                    + (allowed == null
                        ? "does not opt in"
                        : "opts in for ModelDeployment " + allowed + ", not " + self)
                    + ", so it is left untouched; to let "
                    + self
                    + " set its backendRefs, annotate it: kubectl annotate"
                    + " httproute "
                    + name
                    + " "
                    + OPT_IN_ANNOTATION
                    + "="
                    + self
                    + (allowed == null ? "" : " --overwrite")));
      }
    }
    boolean headerSteps =
        md.getSpec().getRollout().getCanary().getSteps() != null
            && md.getSpec().getRollout().getCanary().getSteps().stream()
                .map(CanaryStep::getSetHeaderRoute)
                .anyMatch(Objects::nonNull);
    if (observed.isPresent() && !observed.get().owned() && headerSteps) {
      return Optional.of(
          new Problem(
              "InvalidRollout",
              "setHeaderRoute adds a rule to the route, and HTTPRoute "
                  + name
                  + " belongs to you (the operator only patches its backendRefs and filters); let the operator create the route"
                  + " (gatewayAPI.gateway) or drop the step"));
    }
    return Optional.empty();
  }

  /** Weights, mirror and header route as the route says, by version. */
  @SuppressWarnings("unchecked")
  public RouteObservation observe(GenericKubernetesResource route, Collection<String> versions) {
    var byService = new LinkedHashMap<String, String>();
    versions.forEach(v -> byService.put(versionService.apply(v), v));
    var weights = new LinkedHashMap<String, Integer>();
    Integer mirror = null;
    HeaderRoute header = null;
    for (Map<String, Object> rule : rules(route)) {
      Optional<Map<String, Object>> headerMatch = headerMatch(rule);
      List<Map<String, Object>> refs =
          (List<Map<String, Object>>) rule.getOrDefault("backendRefs", List.of());
      if (headerMatch.isPresent()) {
        if (refs.stream().anyMatch(r -> byService.containsKey(r.get("name")))) {
          header =
              Traffic.headerRoute(
                  (String) headerMatch.get().get("name"), (String) headerMatch.get().get("value"));
        }
        continue;
      }
      if (!weights.isEmpty()) {
        continue;
      }
      for (Map<String, Object> ref : refs) {
        String version = byService.get(ref.get("name"));
        if (version != null) {
          weights.put(
              version, ref.get("weight") == null ? 1 : ((Number) ref.get("weight")).intValue());
        }
      }
      for (Map<String, Object> filter :
          (List<Map<String, Object>>) rule.getOrDefault("filters", List.of())) {
        if ("RequestMirror".equals(filter.get("type"))
            && filter.get("requestMirror") instanceof Map<?, ?> m
            && m.get("backendRef") instanceof Map<?, ?> ref
            && byService.containsKey(ref.get("name"))) {
          mirror = m.get("percent") == null ? 100 : ((Number) m.get("percent")).intValue();
        }
      }
    }
    return new RouteObservation(weights, mirror, header);
  }

  /**
   * Writes {@code traffic} to the route; nothing when it already says so.
   *
   * @param stableVersion the plan's stable version, for the rest of the traffic when {@code
   *     traffic} names none
   */
  public void apply(
      Traffic traffic, String stableVersion, Optional<Observed> observed, KubernetesClient client) {
    Optional<GatewayApiRouting> routing = routing(md.getSpec().getRollout());
    if (routing.isEmpty()) {
      return;
    }
    String stable =
        traffic.stableVersion() != null
            ? traffic.stableVersion()
            : stableVersion != null ? stableVersion : md.getSpec().getModel().getVersion();
    var ns =
        client
            .genericKubernetesResources(GatewayApi.HTTP_ROUTE)
            .inNamespace(md.getMetadata().getNamespace());
    if (observed.isEmpty() || observed.get().owned()) {
      GenericKubernetesResource desired = owned(routing.get(), traffic, stable);
      if (observed.isPresent()) {
        GenericKubernetesResource current = observed.get().route();
        if (Objects.equals(
            current.getAdditionalProperties().get("spec"),
            desired.getAdditionalProperties().get("spec"))) {
          return;
        }
        desired.getMetadata().setResourceVersion(current.getMetadata().getResourceVersion());
        ns.resource(desired).update();
      } else {
        ns.resource(desired).create();
      }
      return;
    }
    GenericKubernetesResource current = observed.get().route();
    if (!md.getMetadata().getName().equals(optIn(current))) {
      return; // problem() has said why; never write a route that did not opt in
    }
    List<Map<String, Object>> patch = userPatch(current, traffic, stable);
    if (!patch.isEmpty()) {
      // Applied only while the route still opts in: the server checks it in the same write.
      var optIn = new LinkedHashMap<String, Object>();
      optIn.put("op", "test");
      optIn.put(
          "path",
          "/metadata/annotations/" + OPT_IN_ANNOTATION.replace("~", "~0").replace("/", "~1"));
      optIn.put("value", md.getMetadata().getName());
      patch = new ArrayList<>(patch);
      patch.addFirst(optIn);
      ns.withName(current.getMetadata().getName())
          .patch(
              PatchContext.of(PatchType.JSON), client.getKubernetesSerialization().asJson(patch));
    }
  }

  /** RFC 6902 operations touching only each rule's backendRefs and filters. */
  @SuppressWarnings("unchecked")
  List<Map<String, Object>> userPatch(
      GenericKubernetesResource route, Traffic traffic, String stable) {
    var ops = new ArrayList<Map<String, Object>>();
    List<Map<String, Object>> rules = rules(route);
    List<Map<String, Object>> refs = backendRefs(traffic, stable);
    for (int i = 0; i < rules.size(); i++) {
      Map<String, Object> rule = rules.get(i);
      if (!Objects.equals(rule.get("backendRefs"), refs)) {
        ops.add(op("/spec/rules/" + i + "/backendRefs", refs));
      }
      var filters = new ArrayList<Map<String, Object>>();
      for (Map<String, Object> f :
          (List<Map<String, Object>>) rule.getOrDefault("filters", List.of())) {
        if (!ourMirror(f)) {
          filters.add(f);
        }
      }
      filters.addAll(mirrorFilters(traffic));
      boolean had = rule.containsKey("filters");
      if ((had || !filters.isEmpty()) && !Objects.equals(rule.get("filters"), filters)) {
        ops.add(op("/spec/rules/" + i + "/filters", filters));
      }
    }
    return ops;
  }

  GenericKubernetesResource owned(GatewayApiRouting routing, Traffic traffic, String stable) {
    var rules = new ArrayList<Map<String, Object>>();
    if (traffic.headerRoute() != null && traffic.canaryVersion() != null) {
      var header = new LinkedHashMap<String, Object>();
      header.put("type", "Exact");
      header.put("name", traffic.headerRoute().getName());
      header.put("value", traffic.headerRoute().getValue());
      var match = new LinkedHashMap<String, Object>();
      match.put("path", Map.of("type", "PathPrefix", "value", "/"));
      match.put("headers", List.of(header));
      var rule = new LinkedHashMap<String, Object>();
      rule.put("matches", List.of(match));
      rule.put("backendRefs", List.of(ref(traffic.canaryVersion(), 1)));
      rules.add(rule);
    }
    var rule = new LinkedHashMap<String, Object>();
    rule.put("matches", List.of(Map.of("path", Map.of("type", "PathPrefix", "value", "/"))));
    rule.put("backendRefs", backendRefs(traffic, stable));
    List<Map<String, Object>> mirror = mirrorFilters(traffic);
    if (!mirror.isEmpty()) {
      rule.put("filters", mirror);
    }
    rules.add(rule);
    var parent = new LinkedHashMap<String, Object>();
    parent.put("group", GatewayApi.GROUP);
    parent.put("kind", "Gateway");
    parent.put("name", routing.getGateway());
    var spec = new LinkedHashMap<String, Object>();
    spec.put("parentRefs", List.of(parent));
    spec.put("rules", rules);
    var route = new GenericKubernetesResource();
    route.setApiVersion(
        GatewayApi.HTTP_ROUTE.getGroup() + "/" + GatewayApi.HTTP_ROUTE.getVersion());
    route.setKind(GatewayApi.HTTP_ROUTE.getKind());
    route.setMetadata(childMetadata.apply(routing.getHttpRoute()));
    route.setAdditionalProperty("spec", spec);
    return route;
  }

  List<Map<String, Object>> backendRefs(Traffic traffic, String stable) {
    if (traffic.canaryVersion() == null) {
      return List.of(ref(stable, 100));
    }
    return List.of(
        ref(stable, 100 - traffic.canaryWeight()),
        ref(traffic.canaryVersion(), traffic.canaryWeight()));
  }

  List<Map<String, Object>> mirrorFilters(Traffic traffic) {
    if (traffic.mirrorPercent() == null || traffic.canaryVersion() == null) {
      return List.of();
    }
    var backend = new LinkedHashMap<String, Object>();
    backend.put("group", "");
    backend.put("kind", "Service");
    backend.put("name", versionService.apply(traffic.canaryVersion()));
    backend.put("port", SERVICE_PORT);
    var mirror = new LinkedHashMap<String, Object>();
    mirror.put("backendRef", backend);
    mirror.put("percent", traffic.mirrorPercent());
    var filter = new LinkedHashMap<String, Object>();
    filter.put("type", "RequestMirror");
    filter.put("requestMirror", mirror);
    return List.of(filter);
  }

  Map<String, Object> ref(String version, int weight) {
    var ref = new LinkedHashMap<String, Object>();
    ref.put("group", "");
    ref.put("kind", "Service");
    ref.put("name", versionService.apply(version));
    ref.put("port", SERVICE_PORT);
    ref.put("weight", weight);
    return ref;
  }

  private boolean ourMirror(Map<String, Object> filter) {
    if (!"RequestMirror".equals(filter.get("type"))
        || !(filter.get("requestMirror") instanceof Map<?, ?> m)
        || !(m.get("backendRef") instanceof Map<?, ?> ref)
        || !(ref.get("name") instanceof String name)) {
      return false;
    }
    return name.startsWith(md.getMetadata().getName() + "-");
  }

  @SuppressWarnings("unchecked")
  private static Optional<Map<String, Object>> headerMatch(Map<String, Object> rule) {
    for (Map<String, Object> match :
        (List<Map<String, Object>>) rule.getOrDefault("matches", List.of())) {
      var headers = (List<Map<String, Object>>) match.getOrDefault("headers", List.of());
      if (!headers.isEmpty()) {
        return Optional.of(headers.getFirst());
      }
    }
    return Optional.empty();
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> rules(GenericKubernetesResource route) {
    Object spec = route.getAdditionalProperties().get("spec");
    if (!(spec instanceof Map<?, ?> s) || !(s.get("rules") instanceof List<?> rules)) {
      return List.of();
    }
    return (List<Map<String, Object>>) rules;
  }

  private static Map<String, Object> op(String path, Object value) {
    var op = new LinkedHashMap<String, Object>();
    op.put("op", "add");
    op.put("path", path);
    op.put("value", value);
    return op;
  }

  private static String optIn(GenericKubernetesResource route) {
    var annotations = route.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(OPT_IN_ANNOTATION);
  }

  private static boolean ownedBy(GenericKubernetesResource route, ModelDeployment md) {
    List<OwnerReference> owners = route.getMetadata().getOwnerReferences();
    return owners != null
        && owners.stream().anyMatch(o -> Objects.equals(o.getUid(), md.getMetadata().getUid()));
  }
}
