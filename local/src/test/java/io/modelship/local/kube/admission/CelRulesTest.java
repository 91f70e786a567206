package io.modelship.local.kube.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * CEL validation rules as the Kubernetes docs ("Validation rules" in Extend the Kubernetes API with
 * CustomResourceDefinitions) describe them: self, oldSelf transition rules, message,
 * messageExpression, fieldPath, and compile errors.
 */
class CelRulesTest {

  static final ObjectMapper JSON = new ObjectMapper();
  final CelRules rules = new CelRules();

  static JsonNode yaml(String text) {
    try {
      return new YAMLMapper().readTree(text);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static JsonNode schema(String rule, String extra) {
    return yaml(
        """
        type: object
        properties:
          spec:
            type: object
            properties:
              minReplicas: {type: integer}
              maxReplicas: {type: integer}
              ratio: {type: number}
              name: {type: string}
              tags: {type: array, items: {type: string}}
              labels: {type: object, additionalProperties: {type: string}}
            x-kubernetes-validations:
            - rule: %s
        %s
        """
            .formatted(
                JSON.valueToTree(rule).toString(),
                extra
                    .lines()
                    .map(String::strip)
                    .map(l -> "      " + l + "\n")
                    .reduce("", String::concat)));
  }

  @ParameterizedTest(name = "{0} on {1} → {2}")
  @CsvSource(
      delimiterString = " | ",
      quoteCharacter = '`',
      value = {
        // the docs' examples of rules
        "self.minReplicas <= self.maxReplicas                 | {\"minReplicas\":2,\"maxReplicas\":6} | true",
        "self.minReplicas <= self.maxReplicas                 | {\"minReplicas\":8,\"maxReplicas\":6} | false",
        "!has(self.minReplicas) || self.minReplicas <= self.maxReplicas | {\"maxReplicas\":6}         | true",
        "self.ratio < 1.5                                     | {\"ratio\":1}                         | true",
        "self.ratio >= 1                                      | {\"ratio\":0.5}                       | false",
        "self.name.startsWith('iris')                         | {\"name\":\"iris-v2\"}                | true",
        "self.name.matches('^[a-z]+$')                        | {\"name\":\"Iris\"}                   | false",
        "self.tags.all(t, t.size() < 5)                       | {\"tags\":[\"a\",\"bb\"]}             | true",
        "self.tags.exists(t, t == 'gpu')                      | {\"tags\":[\"a\"]}                    | false",
        "size(self.tags) == size(self.tags.filter(t, t != '')) | {\"tags\":[\"a\",\"\"]}             | false",
        "'team' in self.labels                                | {\"labels\":{\"team\":\"ml\"}}        | true",
        "self.labels.all(k, k.lowerAscii() == k)              | {\"labels\":{\"Team\":\"ml\"}}        | false"
      })
  void evaluatesRules(String rule, String spec, boolean valid) {
    JsonNode object = yaml("{\"spec\":" + spec + "}");
    List<FieldError> errors = rules.validate(object, null, schema(rule, ""));
    assertThat(errors.isEmpty()).as(errors.toString()).isEqualTo(valid);
  }

  @Test
  void aFailedRuleSaysItsMessageOrItsRule() {
    JsonNode object = yaml("{\"spec\":{\"minReplicas\":8,\"maxReplicas\":6}}");
    assertThat(rules.validate(object, null, schema("self.minReplicas <= self.maxReplicas", "")))
        .extracting(FieldError::text)
        .containsExactly(
            "spec: Invalid value: \"object\": failed rule: self.minReplicas <= self.maxReplicas");
    JsonNode withMessage =
        schema(
            "self.minReplicas <= self.maxReplicas",
            """
          message: minReplicas must not exceed maxReplicas
          fieldPath: .minReplicas""");
    assertThat(rules.validate(object, null, withMessage))
        .extracting(FieldError::text)
        .containsExactly(
            "spec.minReplicas: Invalid value: \"object\": minReplicas must not exceed maxReplicas");
    JsonNode withExpression =
        schema(
            "self.minReplicas <= self.maxReplicas",
            """
          message: fallback
          messageExpression: "'minReplicas ' + string(self.minReplicas) + ' > maxReplicas ' + string(self.maxReplicas)\"""");
    assertThat(rules.validate(object, null, withExpression))
        .extracting(FieldError::text)
        .containsExactly("spec: Invalid value: \"object\": minReplicas 8 > maxReplicas 6");
  }

  @Test
  void transitionRulesCompareWithTheOldObjectAndAreSkippedOnCreate() {
    JsonNode schema =
        schema("self.maxReplicas >= oldSelf.maxReplicas", "  message: maxReplicas may only grow");
    JsonNode grown = yaml("{\"spec\":{\"maxReplicas\":6}}");
    JsonNode shrunk = yaml("{\"spec\":{\"maxReplicas\":2}}");
    assertThat(rules.validate(shrunk, null, schema)).isEmpty();
    assertThat(rules.validate(grown, shrunk, schema)).isEmpty();
    assertThat(rules.validate(shrunk, grown, schema))
        .extracting(FieldError::text)
        .containsExactly("spec: Invalid value: \"object\": maxReplicas may only grow");
  }

  @Test
  void aRuleThatDoesNotCompileIsAnErrorOfTheCrd() {
    List<FieldError> errors =
        rules.compileErrors(
            schema("self.minReplicas <=", ""), "spec.versions[0].schema.openAPIV3Schema");
    assertThat(errors).hasSize(1);
    assertThat(errors.getFirst().field())
        .isEqualTo(
            "spec.versions[0].schema.openAPIV3Schema.properties[spec].x-kubernetes-validations[0].rule");
    assertThat(errors.getFirst().body())
        .contains("compilation failed: ERROR: <input>:1:20: mismatched input");
    assertThat(rules.compileErrors(schema("self.minReplicas <= nope", ""), "s"))
        .singleElement()
        .extracting(FieldError::body)
        .asString()
        .contains("undeclared reference to 'nope'");
    assertThat(rules.compileErrors(schema("self.minReplicas <= self.maxReplicas", ""), "s"))
        .isEmpty();
  }
}
