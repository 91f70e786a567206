package io.modelship.operator;

import static io.modelship.operator.harness.Steps.pause;
import static io.modelship.operator.harness.Steps.weight;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.modelship.api.gateway.GatewayApi;
import io.modelship.api.v1alpha1.spec.CanaryStep;
import io.modelship.api.v1alpha1.spec.GatewayApiRouting;
import io.modelship.api.v1alpha1.spec.TrafficRouting;
import io.modelship.api.v1alpha1.status.Phase;
import io.modelship.operator.dependent.ServingNames;
import io.modelship.operator.harness.OperatorHarness;
import io.modelship.operator.harness.RolloutCluster;
import io.modelship.operator.harness.TestClock;
import io.modelship.operator.rollout.traffic.GatewayApiRoute;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Canary weights on a Gateway API HTTPRoute, operator-created or the user's own. */
class HttpRouteIT {

  @RegisterExtension static final RolloutCluster cluster = new RolloutCluster();
  static final TestClock clock = cluster.clock;

  static void create(String ns, String route, String gateway, List<CanaryStep> steps) {
    cluster.createHealthy(routed(ns, route, gateway, steps));
  }

  static io.modelship.api.v1alpha1.ModelDeployment routed(
      String ns, String route, String gateway, List<CanaryStep> steps) {
    var md = RolloutCluster.canary(ns, 4, steps);
    var routing = new TrafficRouting();
    var gatewayApi = new GatewayApiRouting();
    gatewayApi.setHttpRoute(route);
    gatewayApi.setGateway(gateway);
    routing.setGatewayAPI(gatewayApi);
    md.getSpec().getRollout().getCanary().setTrafficRouting(routing);
    return md;
  }

  static GenericKubernetesResource route(String ns, String name) {
    return cluster
        .harness()
        .client()
        .genericKubernetesResources(GatewayApi.HTTP_ROUTE)
        .inNamespace(ns)
        .withName(name)
        .get();
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> rules(GenericKubernetesResource route) {
    return (List<Map<String, Object>>)
        ((Map<String, Object>) route.getAdditionalProperties().get("spec")).get("rules");
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> refs(String ns, String name) {
    GenericKubernetesResource r = route(ns, name);
    return r == null
        ? List.of()
        : (List<Map<String, Object>>) rules(r).getLast().get("backendRefs");
  }

  static Map<String, Object> ref(String service, int weight) {
    return Map.of("group", "", "kind", "Service", "name", service, "port", 80, "weight", weight);
  }

  @Test
  void weightsOnAnOperatorCreatedRouteFollowTheSteps() {
    String ns = "owned-route";
    create(ns, "iris", "public", List.of(weight(10), pause("1m"), weight(50), pause("1m")));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                refs(ns, "iris")
                    .equals(List.of(ref(ServingNames.versionChildName("iris", "1.0.0"), 100))));
    GenericKubernetesResource route = route(ns, "iris");
    assertThat(route.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(o -> assertThat(o.getController()).isTrue());
    assertThat(
            cluster
                .harness()
                .client()
                .services()
                .inNamespace(ns)
                .withName(ServingNames.versionChildName("iris", "1.0.0"))
                .get())
        .isNotNull();

    cluster.harness().editSpec(ns, "iris", spec -> spec.getModel().setVersion("2.0.0"));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                refs(ns, "iris")
                    .equals(
                        List.of(
                            ref(ServingNames.versionChildName("iris", "1.0.0"), 90),
                            ref(ServingNames.versionChildName("iris", "2.0.0"), 10))));
    var md =
        cluster.harness().awaitStatus(ns, "iris", m -> m.getStatus().getPhase() == Phase.Paused);
    assertThat(md.getStatus().getRollout().getActualWeight())
        .as("measured on the route")
        .isEqualTo(10);
    assertThat(
            cluster
                .harness()
                .client()
                .apps()
                .deployments()
                .inNamespace(ns)
                .withName(ServingNames.versionChildName("iris", "2.0.0"))
                .get()
                .getSpec()
                .getReplicas())
        .as("ceil(10% of 4)")
        .isEqualTo(1);
    assertThat(
            cluster
                .harness()
                .client()
                .services()
                .inNamespace(ns)
                .withName("iris")
                .get()
                .getSpec()
                .getSelector())
        .containsEntry("modelship.io/version", "1.0.0");

    clock.advance(Duration.ofMinutes(1));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                refs(ns, "iris")
                    .equals(
                        List.of(
                            ref(ServingNames.versionChildName("iris", "1.0.0"), 50),
                            ref(ServingNames.versionChildName("iris", "2.0.0"), 50))));
    cluster
        .harness()
        .awaitStatus(
            ns,
            "iris",
            m ->
                m.getStatus().getPhase() == Phase.Paused
                    && Integer.valueOf(3).equals(m.getStatus().getRollout().getStepIndex()));
    clock.advance(Duration.ofMinutes(1));
    md =
        cluster
            .harness()
            .awaitStatus(
                ns,
                "iris",
                m ->
                    m.getStatus().getPhase() == Phase.Healthy
                        && "2.0.0".equals(m.getStatus().getStableVersion()));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                refs(ns, "iris")
                    .equals(List.of(ref(ServingNames.versionChildName("iris", "2.0.0"), 100))));
  }

  /**
   * A route of the user's, as another app's team would have it: parents, hostnames, a filter of
   * theirs.
   */
  static Map<String, Object> userRoute(String ns, String name, Map<String, String> annotations) {
    var rule =
        Map.<String, Object>of(
            "matches", List.of(Map.of("path", Map.of("type", "PathPrefix", "value", "/shop"))),
            "backendRefs", List.of(Map.of("name", "shop-frontend", "port", 80)));
    var spec =
        Map.<String, Object>of(
            "parentRefs", List.of(Map.of("name", "shared-gateway", "namespace", "infra")),
            "hostnames", List.of("shop.example.com"),
            "rules", List.of(rule));
    var route = new GenericKubernetesResource();
    route.setApiVersion("gateway.networking.k8s.io/v1");
    route.setKind("HTTPRoute");
    route.setMetadata(
        new ObjectMetaBuilder()
            .withName(name)
            .withNamespace(ns)
            .withAnnotations(annotations)
            .build());
    route.setAdditionalProperty("spec", spec);
    cluster
        .harness()
        .client()
        .genericKubernetesResources(GatewayApi.HTTP_ROUTE)
        .inNamespace(ns)
        .resource(route)
        .create();
    return spec;
  }

  @Test
  void aUserRouteThatDoesNotOptInIsLeftUntouchedAndTheConditionSaysWhatToAdd() {
    String ns = "foreign-route";
    var spec = userRoute(ns, "shop", Map.of());
    cluster
        .harness()
        .client()
        .resource(routed(ns, "shop", null, List.of(weight(30), pause(null))))
        .create();

    var status =
        cluster
            .harness()
            .awaitStatus(
                ns,
                "iris",
                OperatorHarness.condition("Ready", "False", GatewayApiRoute.NOT_OPTED_IN));
    assertThat(OperatorHarness.conditionOf(status, "Ready").orElseThrow().getMessage())
        .contains("HTTPRoute shop")
        .contains("modelship.io/model-deployment=iris");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                cluster.harness().client().v1().events().inNamespace(ns).list().getItems().stream()
                    .anyMatch(
                        e ->
                            "Warning".equals(e.getType())
                                && GatewayApiRoute.NOT_OPTED_IN.equals(e.getReason())
                                && e.getMessage().contains("modelship.io/model-deployment")));
    assertThat(route(ns, "shop").getAdditionalProperties().get("spec"))
        .as("untouched")
        .isEqualTo(spec);
    assertThat(cluster.harness().client().apps().deployments().inNamespace(ns).list().getItems())
        .as("nothing runs until the route opts in")
        .isEmpty();
  }

  @Test
  void aUserRouteThatOptsInForAnotherModelDeploymentIsLeftUntouched() {
    String ns = "other-opt-in";
    var spec = userRoute(ns, "shop", Map.of(GatewayApiRoute.OPT_IN_ANNOTATION, "recommender"));
    cluster
        .harness()
        .client()
        .resource(routed(ns, "shop", null, List.of(weight(30), pause(null))))
        .create();

    var status =
        cluster
            .harness()
            .awaitStatus(
                ns,
                "iris",
                OperatorHarness.condition("Ready", "False", GatewayApiRoute.NOT_OPTED_IN));
    assertThat(OperatorHarness.conditionOf(status, "Ready").orElseThrow().getMessage())
        .contains("opts in for ModelDeployment recommender, not iris");
    assertThat(route(ns, "shop").getAdditionalProperties().get("spec")).isEqualTo(spec);
  }

  @Test
  void aUserOwnedRouteKeepsEverythingButItsBackendRefsAndFilters() {
    String ns = "user-route";
    var userFilter =
        Map.<String, Object>of(
            "type",
            "RequestHeaderModifier",
            "requestHeaderModifier",
            Map.of("set", List.of(Map.of("name", "x-team", "value", "ml"))));
    var rule =
        Map.<String, Object>of(
            "matches", List.of(Map.of("path", Map.of("type", "PathPrefix", "value", "/iris"))),
            "filters", List.of(userFilter),
            "backendRefs", List.of(Map.of("name", "placeholder", "port", 80)));
    var spec =
        Map.<String, Object>of(
            "parentRefs", List.of(Map.of("name", "shared-gateway", "namespace", "infra")),
            "hostnames", List.of("models.example.com"),
            "rules", List.of(rule));
    var route = new GenericKubernetesResource();
    route.setApiVersion("gateway.networking.k8s.io/v1");
    route.setKind("HTTPRoute");
    route.setMetadata(
        new ObjectMetaBuilder()
            .withName("shop")
            .withNamespace(ns)
            .withLabels(Map.of("team", "ml"))
            .withAnnotations(Map.of(GatewayApiRoute.OPT_IN_ANNOTATION, "iris"))
            .build());
    route.setAdditionalProperty("spec", spec);
    cluster
        .harness()
        .client()
        .genericKubernetesResources(GatewayApi.HTTP_ROUTE)
        .inNamespace(ns)
        .resource(route)
        .create();

    create(ns, "shop", null, List.of(weight(30), pause(null)));
    cluster.harness().editSpec(ns, "iris", s -> s.getModel().setVersion("2.0.0"));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                refs(ns, "shop")
                    .equals(
                        List.of(
                            ref(ServingNames.versionChildName("iris", "1.0.0"), 70),
                            ref(ServingNames.versionChildName("iris", "2.0.0"), 30))));

    GenericKubernetesResource after = route(ns, "shop");
    @SuppressWarnings("unchecked")
    var afterSpec = (Map<String, Object>) after.getAdditionalProperties().get("spec");
    assertThat(afterSpec.get("parentRefs")).isEqualTo(spec.get("parentRefs"));
    assertThat(afterSpec.get("hostnames")).isEqualTo(spec.get("hostnames"));
    assertThat(rules(after).getFirst().get("matches")).isEqualTo(rule.get("matches"));
    assertThat(rules(after).getFirst().get("filters")).isEqualTo(List.of(userFilter));
    assertThat(after.getMetadata().getOwnerReferences()).as("never owned").isNullOrEmpty();
    assertThat(after.getMetadata().getLabels()).isEqualTo(Map.of("team", "ml"));
    cluster
        .harness()
        .awaitStatus(
            ns,
            "iris",
            m ->
                m.getStatus().getPhase() == Phase.Paused
                    && Integer.valueOf(30).equals(m.getStatus().getRollout().getActualWeight()));

    // The route's owner withdraws the opt-in: a promotion no longer reaches the route.
    var withdrawn = route(ns, "shop");
    withdrawn.getMetadata().setAnnotations(Map.of());
    cluster
        .harness()
        .client()
        .genericKubernetesResources(GatewayApi.HTTP_ROUTE)
        .inNamespace(ns)
        .resource(withdrawn)
        .update();
    cluster.harness().annotate(ns, "iris", "modelship.io/promote", "after-withdrawal");
    cluster
        .harness()
        .awaitStatus(
            ns, "iris", OperatorHarness.condition("Ready", "False", GatewayApiRoute.NOT_OPTED_IN));
    org.awaitility.Awaitility.await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                refs(ns, "shop")
                    .equals(
                        List.of(
                            ref(ServingNames.versionChildName("iris", "1.0.0"), 70),
                            ref(ServingNames.versionChildName("iris", "2.0.0"), 30))));
  }

  @Test
  void aMissingRouteWithoutAGatewayIsAClearProblem() {
    String ns = "no-route";
    var md = RolloutCluster.canary(ns, 2, List.of(weight(10)));
    var routing = new TrafficRouting();
    var gatewayApi = new GatewayApiRouting();
    gatewayApi.setHttpRoute("nowhere");
    routing.setGatewayAPI(gatewayApi);
    md.getSpec().getRollout().getCanary().setTrafficRouting(routing);
    cluster.harness().client().resource(md).create();
    var status =
        cluster
            .harness()
            .awaitStatus(
                ns, "iris", OperatorHarness.condition("Ready", "False", "HTTPRouteNotFound"));
    assertThat(OperatorHarness.conditionOf(status, "Ready").orElseThrow().getMessage())
        .contains("HTTPRoute nowhere");
    assertThat(cluster.harness().client().apps().deployments().inNamespace(ns).list().getItems())
        .isEmpty();
  }
}
