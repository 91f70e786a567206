package io.modelship.operator.rollout.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.modelship.api.v1alpha1.ModelDeployment;
import io.modelship.api.v1alpha1.spec.GatewayApiRouting;
import io.modelship.operator.dependent.ServingNames;
import io.modelship.operator.dependent.VersionServices;
import io.modelship.operator.harness.Manifests;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GatewayApiRouteTest {

  static final ModelDeployment MD = Manifests.iris("ml", "iris", "2.0.0");

  static {
    MD.getMetadata().setUid("uid-1");
  }

  /** The route as the operator builds it, with its children's names. */
  static final GatewayApiRoute ROUTE = VersionServices.route(MD);

  static GatewayApiRouting routing() {
    var r = new GatewayApiRouting();
    r.setHttpRoute("iris");
    r.setGateway("public");
    return r;
  }

  @Test
  void anOwnedRouteCarriesHeaderRouteMirrorAndWeightsWithDefaultsWrittenOut() {
    var traffic =
        new Traffic(
            "1.0.0",
            null,
            "1.0.0",
            "2.0.0",
            10,
            50,
            Traffic.headerRoute("x-model-version", "2.0.0"));
    GenericKubernetesResource route = ROUTE.owned(routing(), traffic, "1.0.0");
    assertThat(route.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.getController()).isTrue();
              assertThat(o.getBlockOwnerDeletion()).isTrue();
            });
    var observed = ROUTE.observe(route, List.of("1.0.0", "2.0.0"));
    assertThat(observed.weights()).isEqualTo(Map.of("1.0.0", 90, "2.0.0", 10));
    assertThat(observed.mirrorPercent()).isEqualTo(50);
    assertThat(observed.headerRoute().getName()).isEqualTo("x-model-version");
    assertThat(observed.headerRoute().getValue()).isEqualTo("2.0.0");
    assertThat(ROUTE.backendRefs(traffic, "1.0.0"))
        .containsExactly(
            Map.of(
                "group",
                "",
                "kind",
                "Service",
                "name",
                ServingNames.versionChildName("iris", "1.0.0"),
                "port",
                80,
                "weight",
                90),
            Map.of(
                "group",
                "",
                "kind",
                "Service",
                "name",
                ServingNames.versionChildName("iris", "2.0.0"),
                "port",
                80,
                "weight",
                10));
  }

  @Test
  void aUserRouteIsPatchedOnlyInBackendRefsAndFiltersKeepingItsOwnFilters() {
    var userFilter =
        Map.<String, Object>of("type", "RequestHeaderModifier", "requestHeaderModifier", Map.of());
    var route = new GenericKubernetesResource();
    route.setMetadata(new ObjectMetaBuilder().withName("shop").build());
    route.setAdditionalProperty(
        "spec",
        Map.of(
            "rules",
            List.of(
                Map.of(
                    "matches", List.of(), "filters", List.of(userFilter), "backendRefs", List.of()),
                Map.of("backendRefs", List.of()))));
    var traffic = new Traffic("1.0.0", null, "1.0.0", "2.0.0", 30, 100, null);
    var ops = ROUTE.userPatch(route, traffic, "1.0.0");
    assertThat(ops)
        .extracting(op -> op.get("path"))
        .containsExactly(
            "/spec/rules/0/backendRefs",
            "/spec/rules/0/filters",
            "/spec/rules/1/backendRefs",
            "/spec/rules/1/filters");
    @SuppressWarnings("unchecked")
    var filters = (List<Map<String, Object>>) ops.get(1).get("value");
    assertThat(filters).hasSize(2).first().isEqualTo(userFilter);
    assertThat(filters.get(1)).containsEntry("type", "RequestMirror");

    var noMirror = new Traffic("1.0.0", null, "1.0.0", null, 0, null, null);
    var back = ROUTE.userPatch(route, noMirror, "1.0.0");
    assertThat(back)
        .extracting(op -> op.get("path"))
        .as("a rule without filters gets none")
        .containsExactly("/spec/rules/0/backendRefs", "/spec/rules/1/backendRefs");
  }
}
