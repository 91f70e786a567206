package io.modelship.local.kube.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * OpenAPI v3 validation of a custom resource against its CRD's structural schema, worded as
 * kube-apiserver words it (kube-openapi's messages turned into field errors): {@code type} (with
 * {@code nullable} and {@code x-kubernetes-int-or-string}), {@code enum}, {@code required}, {@code
 * minimum}/{@code maximum} (and exclusive), {@code minLength}/{@code maxLength}, {@code pattern},
 * {@code minItems}/{@code maxItems}, {@code minProperties}/{@code maxProperties} and the formats
 * {@code date-time}, {@code date}, {@code uuid} and {@code byte}; and defaulting by {@code
 * default}. {@code x-kubernetes-preserve-unknown-fields} subtrees are checked only as far as their
 * schema says.
 */
public final class SchemaValidation {

  private static final Set<String> META = Set.of("apiVersion", "kind", "metadata");
  private static final Map<String, Pattern> PATTERNS = new ConcurrentHashMap<>();

  private SchemaValidation() {}

  /**
   * The errors of a whole object ({@code apiVersion}, {@code kind} and {@code metadata} are the
   * server's).
   */
  public static List<FieldError> validate(JsonNode object, JsonNode schema) {
    List<FieldError> errors = new ArrayList<>();
    JsonNode properties = schema.path("properties");
    for (JsonNode required : schema.path("required")) {
      if (!META.contains(required.asText()) && !object.has(required.asText())) {
        errors.add(FieldError.required(required.asText()));
      }
    }
    object
        .properties()
        .forEach(
            e -> {
              if (!META.contains(e.getKey()) && properties.has(e.getKey())) {
                value(e.getValue(), properties.get(e.getKey()), e.getKey(), errors);
              }
            });
    return errors;
  }

  static void value(JsonNode value, JsonNode schema, String path, List<FieldError> errors) {
    if (value.isNull()) {
      if (!schema.path("nullable").asBoolean(false) && schema.has("type")) {
        errors.add(
            FieldError.typeInvalid(
                path,
                value,
                path + " in body must be of type " + schema.path("type").asText() + ": \"null\""));
      }
      return;
    }
    if (!typeMatches(value, schema, path, errors)) {
      return;
    }
    if (schema.has("enum")) {
      boolean found = false;
      for (JsonNode allowed : schema.path("enum")) {
        found |= equal(allowed, value);
      }
      if (!found) {
        errors.add(FieldError.notSupported(path, value, schema.path("enum")));
      }
    }
    if (value.isNumber()) {
      number(value, schema, path, errors);
    } else if (value.isTextual()) {
      string(value.asText(), value, schema, path, errors);
    } else if (value instanceof ArrayNode array) {
      if (schema.has("minItems") && array.size() < schema.path("minItems").asInt()) {
        errors.add(
            FieldError.invalid(
                path,
                value,
                path
                    + " in body should have at least "
                    + schema.path("minItems").asInt()
                    + " items"));
      }
      if (schema.has("maxItems") && array.size() > schema.path("maxItems").asInt()) {
        errors.add(
            FieldError.invalid(
                path,
                value,
                path
                    + " in body should have at most "
                    + schema.path("maxItems").asInt()
                    + " items"));
      }
      if (schema.has("items")) {
        for (int i = 0; i < array.size(); i++) {
          value(array.get(i), schema.path("items"), path + "[" + i + "]", errors);
        }
      }
    } else if (value instanceof ObjectNode object) {
      for (JsonNode required : schema.path("required")) {
        if (!object.has(required.asText())) {
          errors.add(FieldError.required(path + "." + required.asText()));
        }
      }
      if (schema.has("minProperties") && object.size() < schema.path("minProperties").asInt()) {
        errors.add(
            FieldError.invalid(
                path,
                value,
                path
                    + " in body should have at least "
                    + schema.path("minProperties").asInt()
                    + " properties"));
      }
      if (schema.has("maxProperties") && object.size() > schema.path("maxProperties").asInt()) {
        errors.add(
            FieldError.invalid(
                path,
                value,
                path
                    + " in body should have at most "
                    + schema.path("maxProperties").asInt()
                    + " properties"));
      }
      JsonNode properties = schema.path("properties");
      JsonNode additional = schema.path("additionalProperties");
      object
          .properties()
          .forEach(
              e -> {
                if (properties.has(e.getKey())) {
                  value(e.getValue(), properties.get(e.getKey()), path + "." + e.getKey(), errors);
                } else if (additional.isObject()) {
                  value(e.getValue(), additional, path + "." + e.getKey(), errors);
                }
              });
    }
  }

  private static boolean typeMatches(
      JsonNode value, JsonNode schema, String path, List<FieldError> errors) {
    if (schema.path("x-kubernetes-int-or-string").asBoolean(false)) {
      if (value.isIntegralNumber() || value.isTextual()) {
        return true;
      }
      errors.add(
          FieldError.typeInvalid(
              path,
              value,
              path
                  + " in body must be of type integer,string: "
                  + FieldError.quote(jsonType(value))));
      return false;
    }
    String type = schema.path("type").asText("");
    boolean ok =
        switch (type) {
          case "" -> true;
          case "object" -> value.isObject();
          case "array" -> value.isArray();
          case "string" -> value.isTextual();
          case "integer" ->
              value.isIntegralNumber()
                  || value.isNumber() && value.asDouble() == Math.rint(value.asDouble());
          case "number" -> value.isNumber();
          case "boolean" -> value.isBoolean();
          default -> true;
        };
    if (!ok) {
      errors.add(
          FieldError.typeInvalid(
              path,
              value,
              path
                  + " in body must be of type "
                  + type
                  + ": "
                  + FieldError.quote(jsonType(value))));
    }
    return ok;
  }

  private static String jsonType(JsonNode value) {
    if (value.isTextual()) {
      return "string";
    }
    if (value.isIntegralNumber()) {
      return "integer";
    }
    if (value.isNumber()) {
      return "number";
    }
    if (value.isBoolean()) {
      return "boolean";
    }
    if (value.isArray()) {
      return "array";
    }
    return value.isNull() ? "null" : "object";
  }

  private static void number(
      JsonNode value, JsonNode schema, String path, List<FieldError> errors) {
    double v = value.asDouble();
    if (schema.has("maximum")) {
      double max = schema.path("maximum").asDouble();
      boolean exclusive = schema.path("exclusiveMaximum").asBoolean(false);
      if (exclusive ? v >= max : v > max) {
        errors.add(
            FieldError.invalid(
                path,
                value,
                path
                    + " in body should be less than "
                    + (exclusive ? "" : "or equal to ")
                    + FieldError.number(schema.path("maximum"))));
      }
    }
    if (schema.has("minimum")) {
      double min = schema.path("minimum").asDouble();
      boolean exclusive = schema.path("exclusiveMinimum").asBoolean(false);
      if (exclusive ? v <= min : v < min) {
        errors.add(
            FieldError.invalid(
                path,
                value,
                path
                    + " in body should be greater than "
                    + (exclusive ? "" : "or equal to ")
                    + FieldError.number(schema.path("minimum"))));
      }
    }
    if (schema.has("multipleOf")) {
      double m = schema.path("multipleOf").asDouble();
      if (m > 0 && Math.abs(v / m - Math.rint(v / m)) > 1e-9) {
        errors.add(
            FieldError.invalid(
                path,
                value,
                path
                    + " in body should be a multiple of "
                    + FieldError.number(schema.path("multipleOf"))));
      }
    }
  }

  private static void string(
      String s, JsonNode value, JsonNode schema, String path, List<FieldError> errors) {
    int length = s.codePointCount(0, s.length());
    if (schema.has("maxLength") && length > schema.path("maxLength").asInt()) {
      errors.add(
          FieldError.invalid(
              path,
              value,
              path
                  + " in body should be at most "
                  + schema.path("maxLength").asInt()
                  + " chars long"));
    }
    if (schema.has("minLength") && length < schema.path("minLength").asInt()) {
      errors.add(
          FieldError.invalid(
              path,
              value,
              path
                  + " in body should be at least "
                  + schema.path("minLength").asInt()
                  + " chars long"));
    }
    if (schema.has("pattern")) {
      String pattern = schema.path("pattern").asText();
      Pattern compiled;
      try {
        compiled = PATTERNS.computeIfAbsent(pattern, Pattern::compile);
      } catch (PatternSyntaxException e) {
        compiled = null;
      }
      if (compiled != null && !compiled.matcher(s).find()) {
        errors.add(
            FieldError.invalid(path, value, path + " in body should match '" + pattern + "'"));
      }
    }
    String format = schema.path("format").asText("");
    if (!format.isEmpty() && !formatMatches(format, s)) {
      errors.add(
          FieldError.invalid(
              path,
              value,
              path + " in body must be of type " + format + ": " + FieldError.quote(s)));
    }
  }

  private static boolean formatMatches(String format, String s) {
    try {
      switch (format) {
        case "date-time" -> OffsetDateTime.parse(s);
        case "date" -> LocalDate.parse(s);
        case "uuid" -> {
          if (!s.matches("(?i)^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")) {
            return false;
          }
          UUID.fromString(s);
        }
        case "byte" -> Base64.getDecoder().decode(s);
        default -> {
          return true;
        }
      }
      return true;
    } catch (DateTimeParseException | IllegalArgumentException e) {
      return false;
    }
  }

  private static boolean equal(JsonNode a, JsonNode b) {
    if (a.isNumber() && b.isNumber()) {
      return a.asDouble() == b.asDouble();
    }
    return a.equals(b);
  }

  /**
   * Sets every absent property that has a {@code default}, in objects that exist, as the API server
   * defaults.
   */
  public static void applyDefaults(JsonNode value, JsonNode schema) {
    if (value instanceof ObjectNode object) {
      JsonNode properties = schema.path("properties");
      properties
          .properties()
          .forEach(
              e -> {
                if (!object.has(e.getKey()) && e.getValue().has("default")) {
                  object.set(e.getKey(), e.getValue().path("default").deepCopy());
                }
              });
      object
          .properties()
          .forEach(
              e -> {
                if (properties.has(e.getKey())) {
                  applyDefaults(e.getValue(), properties.get(e.getKey()));
                } else if (schema.path("additionalProperties").isObject()) {
                  applyDefaults(e.getValue(), schema.path("additionalProperties"));
                }
              });
    } else if (value instanceof ArrayNode array && schema.has("items")) {
      array.forEach(item -> applyDefaults(item, schema.path("items")));
    }
  }
}
