package io.modelship.local.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RouteRulesTest {

  static final ObjectMapper JSON = new ObjectMapper();

  static JsonNode route(String rules) throws Exception {
    return JSON.readTree("{\"spec\":{\"rules\":" + rules + "}}");
  }

  static Map<String, Integer> send(RouteRules rules, int n, Map<String, String> headers) {
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < n; i++) {
      rules
          .route("/predict", headers)
          .ifPresent(d -> counts.merge(d.backend().service(), 1, Integer::sum));
    }
    return counts;
  }

  @Test
  void weightsSplitExactlyOverEveryWindowOfTheirTotal() throws Exception {
    RouteRules rules =
        RouteRules.of(
            route(
                """
        [{"backendRefs":[{"kind":"Service","name":"iris-1-0-0","port":80,"weight":90},
                         {"kind":"Service","name":"iris-2-0-0","port":80,"weight":10}]}]"""));
    assertThat(send(rules, 100, Map.of()))
        .containsEntry("iris-1-0-0", 90)
        .containsEntry("iris-2-0-0", 10);
    assertThat(send(rules, 10, Map.of()))
        .containsEntry("iris-1-0-0", 9)
        .containsEntry("iris-2-0-0", 1);
  }

  /** What the proxy keeps endpoints for: every backend, weighted or not, and every mirror. */
  @Test
  void servicesAreEveryBackendAndMirrorOfEveryRule() throws Exception {
    RouteRules rules =
        RouteRules.of(
            route(
                """
        [{"matches":[{"headers":[{"name":"x-canary","value":"1"}]}],
          "backendRefs":[{"name":"iris-2-0-0"}]},
         {"backendRefs":[{"name":"iris-1-0-0","weight":100},{"name":"iris-2-0-0","weight":0}],
          "filters":[{"type":"RequestMirror",
                      "requestMirror":{"backendRef":{"name":"iris-3-0-0"},"percent":10}}]}]"""));
    assertThat(rules.services())
        .containsExactlyInAnyOrder("iris-1-0-0", "iris-2-0-0", "iris-3-0-0");
  }

  @Test
  void zeroWeightGetsNothingAndNoWeightMeansOne() throws Exception {
    RouteRules rules =
        RouteRules.of(
            route(
                """
        [{"backendRefs":[{"name":"a","weight":0},{"name":"b"}]}]"""));
    assertThat(send(rules, 5, Map.of())).containsOnlyKeys("b");
  }

  @Test
  void headerMatchWinsOverTheCatchAllWhateverTheOrder() throws Exception {
    RouteRules rules =
        RouteRules.of(
            route(
                """
        [{"backendRefs":[{"name":"stable","weight":100}]},
         {"matches":[{"path":{"type":"PathPrefix","value":"/"},
                      "headers":[{"type":"Exact","name":"x-model-version","value":"2.0.0"}]}],
          "backendRefs":[{"name":"canary","weight":100}]}]"""));
    assertThat(send(rules, 4, Map.of("X-Model-Version", "2.0.0"))).containsOnlyKeys("canary");
    assertThat(send(rules, 4, Map.of("x-model-version", "1.0.0"))).containsOnlyKeys("stable");
    assertThat(send(rules, 4, Map.of())).containsOnlyKeys("stable");
  }

  @Test
  void mirrorCopiesTheGivenShareOfRequests() throws Exception {
    RouteRules rules =
        RouteRules.of(
            route(
                """
        [{"backendRefs":[{"name":"stable","weight":100}],
          "filters":[{"type":"RequestMirror","requestMirror":{"backendRef":{"name":"canary","port":80},"percent":50}}]}]"""));
    int mirrored = 0;
    for (int i = 0; i < 100; i++) {
      var d = rules.route("/predict", Map.of()).orElseThrow();
      assertThat(d.backend().service()).isEqualTo("stable");
      if (d.mirrorTo().isPresent()) {
        mirrored++;
      }
    }
    assertThat(mirrored).isEqualTo(50);
  }

  @Test
  void noMatchingRuleIsNoDecision() throws Exception {
    RouteRules rules =
        RouteRules.of(
            route(
                """
        [{"matches":[{"path":{"type":"Exact","value":"/v2/models/iris/infer"}}],"backendRefs":[{"name":"a"}]}]"""));
    assertThat(rules.route("/predict", Map.of())).isEmpty();
    assertThat(rules.route("/v2/models/iris/infer", Map.of())).isPresent();
  }
}
