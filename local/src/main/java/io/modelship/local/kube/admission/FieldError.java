package io.modelship.local.kube.admission;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One validation error as k8s.io/apimachinery's {@code field.Error} prints it: the field path, then
 * the body ({@code Invalid value: 150: ...}, {@code Required value}, {@code Unsupported value: "x":
 * supported values: ...}); {@code reason} is the StatusCause type.
 */
public record FieldError(String reason, String field, String body) {

  public static FieldError invalid(String field, JsonNode value, String detail) {
    return new FieldError(
        "FieldValueInvalid", field, "Invalid value: " + show(value) + ": " + detail);
  }

  /** For CEL rules, whose errors show the type of the value ({@code "object"}), not the value. */
  public static FieldError invalidType(String field, String typeName, String detail) {
    return new FieldError(
        "FieldValueInvalid", field, "Invalid value: \"" + typeName + "\": " + detail);
  }

  public static FieldError typeInvalid(String field, JsonNode value, String detail) {
    return new FieldError(
        "FieldValueTypeInvalid", field, "Invalid value: " + show(value) + ": " + detail);
  }

  public static FieldError required(String field) {
    return new FieldError("FieldValueRequired", field, "Required value");
  }

  public static FieldError notSupported(String field, JsonNode value, JsonNode supported) {
    StringBuilder values = new StringBuilder();
    for (JsonNode s : supported) {
      values.append(values.isEmpty() ? "" : ", ").append(show(s));
    }
    return new FieldError(
        "FieldValueNotSupported",
        field,
        "Unsupported value: " + show(value) + ": supported values: " + values);
  }

  /** {@code field: body}, as the error prints. */
  public String text() {
    return field + ": " + body;
  }

  /**
   * A value as field.Error prints it: strings quoted, numbers and booleans bare, objects by type.
   */
  static String show(JsonNode value) {
    if (value == null || value.isNull()) {
      return "\"null\"";
    }
    if (value.isTextual()) {
      return quote(value.asText());
    }
    if (value.isNumber()) {
      return number(value);
    }
    if (value.isBoolean()) {
      return value.asText();
    }
    return value.isArray() ? "\"array\"" : "\"object\"";
  }

  static String number(JsonNode value) {
    if (value.isIntegralNumber()) {
      return value.asText();
    }
    double d = value.asDouble();
    return d == Math.rint(d) && !Double.isInfinite(d)
        ? String.valueOf((long) d)
        : String.valueOf(d);
  }

  static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
