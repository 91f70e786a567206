package io.modelship.local.kube;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class SchemaPruningTest {

  static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void dropsWhatTheSchemaDoesNotDeclareAndKeepsTheRest() throws Exception {
    JsonNode schema =
        JSON.readTree(
            """
        {"type":"object","properties":{
          "spec":{"type":"object","properties":{
            "rollout":{"type":"object","properties":{"strategy":{"type":"string"},
              "canary":{"type":"object","properties":{"steps":{"type":"array","items":{"type":"object",
                "properties":{"setWeight":{"type":"integer"},"pause":{"type":"object","properties":{"duration":{"type":"string"}}}}}}}}}},
            "runtime":{"type":"object","properties":{"resources":{"type":"object","properties":{
              "limits":{"type":"object","additionalProperties":{"anyOf":[{"type":"integer"},{"type":"string"}],"x-kubernetes-int-or-string":true}}}}}},
            "free":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}},
          "status":{"type":"object","properties":{"phase":{"type":"string"}}}}}""");
    JsonNode object =
        JSON.readTree(
            """
        {"apiVersion":"modelship.io/v1alpha1","kind":"ModelDeployment","metadata":{"name":"iris","labels":{"a":"b"}},
         "spec":{"rollout":{"strategy":"Canary","progressDeadlineSeconds":300,
                   "canary":{"steps":[{"setWeight":10,"setMirror":{"percent":5}},{"pause":{"duration":"2m","x":1}}]}},
                 "runtime":{"resources":{"limits":{"memory":"1Gi","cpu":2}}},
                 "free":{"anything":{"goes":true}},
                 "unknown":1},
         "status":{"phase":"Healthy","rollout":{"stepIndex":2}}}""");
    SchemaPruning.prune(object, schema);
    assertThat(JSON.readTree(object.toString()))
        .isEqualTo(
            JSON.readTree(
                """
        {"apiVersion":"modelship.io/v1alpha1","kind":"ModelDeployment","metadata":{"name":"iris","labels":{"a":"b"}},
         "spec":{"rollout":{"strategy":"Canary","canary":{"steps":[{"setWeight":10},{"pause":{"duration":"2m"}}]}},
                 "runtime":{"resources":{"limits":{"memory":"1Gi","cpu":2}}},
                 "free":{"anything":{"goes":true}}},
         "status":{"phase":"Healthy"}}"""));
  }

  @Test
  void aMergePatchKeepsItsNullsWhereTheSchemaKnowsTheField() throws Exception {
    JsonNode schema =
        JSON.readTree(
            "{\"type\":\"object\",\"properties\":{\"status\":{\"type\":\"object\","
                + "\"properties\":{\"canaryVersion\":{\"type\":\"string\"}}}}}");
    JsonNode patch = JSON.readTree("{\"status\":{\"canaryVersion\":null,\"newField\":3}}");
    SchemaPruning.prune(patch, schema);
    assertThat(patch.toString()).isEqualTo("{\"status\":{\"canaryVersion\":null}}");
  }
}
