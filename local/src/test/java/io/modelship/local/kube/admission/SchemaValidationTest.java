package io.modelship.local.kube.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * OpenAPI v3 validation of custom resources, each keyword of the structural schema with the message
 * kube-apiserver gives for it, and defaulting.
 */
class SchemaValidationTest {

  static final JsonNode SCHEMA =
      yaml(
          """
      type: object
      required: [spec]
      properties:
        spec:
          type: object
          required: [model]
          properties:
            model: {type: string, minLength: 1, maxLength: 8, pattern: '^[a-z]*$'}
            replicas: {type: integer, minimum: 1, maximum: 10, default: 2}
            ratio: {type: number, exclusiveMaximum: true, maximum: 1}
            strategy: {type: string, enum: [Canary, BlueGreen]}
            port: {x-kubernetes-int-or-string: true}
            at: {type: string, format: date-time}
            steps:
              type: array
              minItems: 1
              maxItems: 2
              items:
                type: object
                properties:
                  weight: {type: integer, maximum: 100}
                  note: {type: string, default: none}
            extra: {type: object, x-kubernetes-preserve-unknown-fields: true}
            flag: {type: boolean, nullable: true}
      """);

  static JsonNode yaml(String text) {
    try {
      return new YAMLMapper().readTree(text);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiterString = " => ",
      quoteCharacter = '`',
      value = {
        "{model: iris} => ",
        "{model: iris, replicas: 3, ratio: 0.5, strategy: Canary, port: 8080, at: '2026-01-01T00:00:00Z', steps: [{weight: 100}], extra: {any: [1]}, flag: null} => ",
        "{model: iris, port: http} => ",
        "{} => spec.model: Required value",
        "{model: ''} => spec.model: Invalid value: \"\": spec.model in body should be at least 1 chars long",
        "{model: abcdefghi} => spec.model: Invalid value: \"abcdefghi\": spec.model in body should be at most 8 chars long",
        "{model: Iris} => spec.model: Invalid value: \"Iris\": spec.model in body should match '^[a-z]*$'",
        "{model: iris, replicas: 11} => spec.replicas: Invalid value: 11: spec.replicas in body should be less than or equal to 10",
        "{model: iris, replicas: 0} => spec.replicas: Invalid value: 0: spec.replicas in body should be greater than or equal to 1",
        "{model: iris, replicas: two} => spec.replicas: Invalid value: \"two\": spec.replicas in body must be of type integer: \"string\"",
        "{model: iris, replicas: 1.5} => spec.replicas: Invalid value: 1.5: spec.replicas in body must be of type integer: \"number\"",
        "{model: iris, ratio: 1} => spec.ratio: Invalid value: 1: spec.ratio in body should be less than 1",
        "{model: iris, strategy: Rolling} => spec.strategy: Unsupported value: \"Rolling\": supported values: \"Canary\", \"BlueGreen\"",
        "{model: iris, port: true} => spec.port: Invalid value: true: spec.port in body must be of type integer,string: \"boolean\"",
        "{model: iris, at: yesterday} => spec.at: Invalid value: \"yesterday\": spec.at in body must be of type date-time: \"yesterday\"",
        "{model: iris, steps: []} => spec.steps: Invalid value: \"array\": spec.steps in body should have at least 1 items",
        "{model: iris, steps: [{}, {}, {}]} => spec.steps: Invalid value: \"array\": spec.steps in body should have at most 2 items",
        "{model: iris, steps: [{weight: 150}]} => spec.steps[0].weight: Invalid value: 150: spec.steps[0].weight in body should be less than or equal to 100",
        "{model: iris, flag: 'yes'} => spec.flag: Invalid value: \"yes\": spec.flag in body must be of type boolean: \"string\"",
        "{model: iris, steps: null} => spec.steps: Invalid value: \"null\": spec.steps in body must be of type array: \"null\""
      })
  void validates(String spec, String expected) {
    JsonNode object = yaml("{spec: " + spec + "}");
    var errors = SchemaValidation.validate(object, SCHEMA).stream().map(FieldError::text).toList();
    if (expected == null) {
      assertThat(errors).isEmpty();
    } else {
      assertThat(errors).containsExactly(expected);
    }
  }

  @Test
  void aMissingRequiredTopLevelFieldIsNamed() {
    assertThat(SchemaValidation.validate(yaml("{kind: X, metadata: {name: x}}"), SCHEMA))
        .extracting(FieldError::text)
        .containsExactly("spec: Required value");
  }

  @Test
  void defaultsFillAbsentFieldsOfObjectsThatExist() {
    JsonNode object = yaml("{spec: {model: iris, steps: [{weight: 5}, {note: set}]}}");
    SchemaValidation.applyDefaults(object, SCHEMA);
    assertThat(object.toString())
        .isEqualTo(
            "{\"spec\":{\"model\":\"iris\",\"steps\":[{\"weight\":5,\"note\":\"none\"},{\"note\":\"set\"}],\"replicas\":2}}");
    JsonNode empty = yaml("{metadata: {name: x}}");
    SchemaValidation.applyDefaults(empty, SCHEMA);
    assertThat(empty.has("spec")).isFalse();
  }
}
