package io.modelship.local.kube.admission;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * A CRD's {@code x-kubernetes-validations}, compiled and evaluated with CEL ({@code dev.cel:cel})
 * as kube-apiserver evaluates them: {@code self} is the value of the schema node that carries the
 * rule, typed by that node's schema (objects as maps, so {@code has(self.x)} tests presence); rules
 * that use {@code oldSelf} are transition rules, evaluated only on an update where the old object
 * has a value at the same place (reached through object properties; list elements are not
 * correlated). A failing rule is a field error at the node, or at its {@code fieldPath}, with its
 * {@code message}, the result of its {@code messageExpression}, or {@code failed rule: <rule>}.
 */
public final class CelRules {

  private static final Pattern OLD_SELF = Pattern.compile("\\boldSelf\\b");
  private static final CelOptions OPTIONS =
      CelOptions.current()
          .enableHeterogeneousNumericComparisons(true)
          .enableOptionalSyntax(true)
          .build();
  // Shared by every server in the JVM: building an environment and compiling rules is what costs.
  private static final Map<String, Cel> environments = new ConcurrentHashMap<>();
  private static final Map<String, CelRuntime.Program> programs = new ConcurrentHashMap<>();

  /** The CEL compile errors of every rule in {@code schema}, as the CRD's field errors. */
  public List<FieldError> compileErrors(JsonNode schema, String path) {
    List<FieldError> errors = new ArrayList<>();
    walkSchema(schema, path, errors);
    return errors;
  }

  private void walkSchema(JsonNode schema, String path, List<FieldError> errors) {
    JsonNode rules = schema.path("x-kubernetes-validations");
    for (int i = 0; i < rules.size(); i++) {
      JsonNode rule = rules.get(i);
      String rulePath = path + ".x-kubernetes-validations[" + i + "]";
      String expression = rule.path("rule").asText("");
      if (expression.isBlank()) {
        errors.add(FieldError.required(rulePath + ".rule"));
        continue;
      }
      try {
        compile(expression, schema);
      } catch (CelValidationException e) {
        errors.add(
            FieldError.invalidType(
                rulePath + ".rule", expression, "compilation failed: " + e.getMessage()));
      }
      if (rule.has("messageExpression")) {
        try {
          compile(rule.path("messageExpression").asText(), schema);
        } catch (CelValidationException e) {
          errors.add(
              FieldError.invalidType(
                  rulePath + ".messageExpression",
                  rule.path("messageExpression").asText(),
                  "messageExpression compilation failed: " + e.getMessage()));
        }
      }
    }
    schema
        .path("properties")
        .properties()
        .forEach(e -> walkSchema(e.getValue(), path + ".properties[" + e.getKey() + "]", errors));
    if (schema.path("items").isObject()) {
      walkSchema(schema.path("items"), path + ".items", errors);
    }
    if (schema.path("additionalProperties").isObject()) {
      walkSchema(schema.path("additionalProperties"), path + ".additionalProperties", errors);
    }
  }

  /** The rule failures of {@code object} (and, for an update, its transition from {@code old}). */
  public List<FieldError> validate(JsonNode object, JsonNode old, JsonNode schema) {
    List<FieldError> errors = new ArrayList<>();
    JsonNode properties = schema.path("properties");
    evaluate(object, old, schema, "", errors);
    object
        .properties()
        .forEach(
            e -> {
              if (!e.getKey().equals("metadata") && properties.has(e.getKey())) {
                walk(
                    e.getValue(),
                    old == null ? null : old.get(e.getKey()),
                    properties.get(e.getKey()),
                    e.getKey(),
                    errors);
              }
            });
    return errors;
  }

  private void walk(
      JsonNode value, JsonNode old, JsonNode schema, String path, List<FieldError> errors) {
    if (value == null || value.isNull()) {
      return;
    }
    evaluate(value, old, schema, path, errors);
    if (value.isObject()) {
      JsonNode properties = schema.path("properties");
      JsonNode additional = schema.path("additionalProperties");
      value
          .properties()
          .forEach(
              e -> {
                JsonNode oldChild = old == null || !old.isObject() ? null : old.get(e.getKey());
                if (properties.has(e.getKey())) {
                  walk(
                      e.getValue(),
                      oldChild,
                      properties.get(e.getKey()),
                      path + "." + e.getKey(),
                      errors);
                } else if (additional.isObject()) {
                  walk(e.getValue(), oldChild, additional, path + "[" + e.getKey() + "]", errors);
                }
              });
    } else if (value.isArray() && schema.path("items").isObject()) {
      for (int i = 0; i < value.size(); i++) {
        walk(value.get(i), null, schema.path("items"), path + "[" + i + "]", errors);
      }
    }
  }

  private void evaluate(
      JsonNode value, JsonNode old, JsonNode schema, String path, List<FieldError> errors) {
    for (JsonNode rule : schema.path("x-kubernetes-validations")) {
      String expression = rule.path("rule").asText();
      boolean transition = OLD_SELF.matcher(expression).find();
      if (transition && (old == null || old.isNull())) {
        continue;
      }
      Map<String, Object> vars = new HashMap<>();
      vars.put("self", toCel(value, schema));
      if (transition) {
        vars.put("oldSelf", toCel(old, schema));
      }
      String field = path + fieldPath(rule.path("fieldPath").asText(""));
      if (field.startsWith(".")) {
        field = field.substring(1);
      }
      String typeName = typeName(schema, value);
      try {
        Object result = program(expression, schema).eval(vars);
        if (!Boolean.TRUE.equals(result)) {
          errors.add(FieldError.invalidType(field, typeName, message(rule, vars, schema)));
        }
      } catch (CelEvaluationException | CelValidationException e) {
        errors.add(
            FieldError.invalidType(field, typeName, "rule evaluation error: " + e.getMessage()));
      }
    }
  }

  private String message(JsonNode rule, Map<String, Object> vars, JsonNode schema) {
    if (rule.has("messageExpression")) {
      try {
        Object text = program(rule.path("messageExpression").asText(), schema).eval(vars);
        if (text instanceof String s && !s.isBlank()) {
          return s;
        }
      } catch (CelEvaluationException | CelValidationException e) {
        // falls back to message, as kube-apiserver does
      }
    }
    if (rule.hasNonNull("message") && !rule.path("message").asText().isBlank()) {
      return rule.path("message").asText();
    }
    return "failed rule: " + rule.path("rule").asText();
  }

  /** {@code .a.b} or {@code ['a.b']} as written in a rule's fieldPath, as a field path suffix. */
  private static String fieldPath(String fieldPath) {
    return fieldPath.isBlank()
        ? ""
        : fieldPath.startsWith(".") || fieldPath.startsWith("[") ? fieldPath : "." + fieldPath;
  }

  private static String typeName(JsonNode schema, JsonNode value) {
    String type = schema.path("type").asText("");
    if (!type.isEmpty()) {
      return type;
    }
    return value.isObject()
        ? "object"
        : value.isArray() ? "array" : value.isTextual() ? "string" : "number";
  }

  private CelRuntime.Program program(String expression, JsonNode schema)
      throws CelValidationException, CelEvaluationException {
    String key = type(schema).toString() + "\u0000" + expression;
    CelRuntime.Program program = programs.get(key);
    if (program == null) {
      Cel cel = environment(type(schema));
      program = cel.createProgram(compile(expression, schema));
      programs.put(key, program);
    }
    return program;
  }

  private CelAbstractSyntaxTree compile(String expression, JsonNode schema)
      throws CelValidationException {
    CelValidationResult result = environment(type(schema)).compile(expression);
    return result.getAst();
  }

  private Cel environment(CelType self) {
    return environments.computeIfAbsent(
        self.toString(),
        k ->
            CelFactory.standardCelBuilder()
                .setOptions(OPTIONS)
                .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
                .addCompilerLibraries(
                    CelExtensions.strings(), CelExtensions.math(), CelExtensions.optional())
                .addRuntimeLibraries(
                    CelExtensions.strings(), CelExtensions.math(), CelExtensions.optional())
                .addVar("self", self)
                .addVar("oldSelf", self)
                .build());
  }

  /** The CEL type of a schema node: objects are maps, so field selection and has() work on them. */
  static CelType type(JsonNode schema) {
    if (schema.path("x-kubernetes-int-or-string").asBoolean(false)
        || schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)
            && !schema.has("type")) {
      return SimpleType.DYN;
    }
    return switch (schema.path("type").asText("")) {
      case "object" -> MapType.create(SimpleType.STRING, SimpleType.DYN);
      case "array" ->
          ListType.create(
              schema.path("items").isObject() ? type(schema.path("items")) : SimpleType.DYN);
      case "string" -> SimpleType.STRING;
      case "integer" -> SimpleType.INT;
      case "number" -> SimpleType.DOUBLE;
      case "boolean" -> SimpleType.BOOL;
      default -> SimpleType.DYN;
    };
  }

  /** A JSON value as the CEL value its schema makes it: integers as long, numbers as double. */
  static Object toCel(JsonNode value, JsonNode schema) {
    if (value == null || value.isNull()) {
      return dev.cel.common.values.NullValue.NULL_VALUE;
    }
    String type = schema == null ? "" : schema.path("type").asText("");
    if (value.isNumber()) {
      if (type.equals("number")) {
        return value.asDouble();
      }
      return value.isIntegralNumber() ? (Object) value.asLong() : (Object) value.asDouble();
    }
    if (value.isTextual()) {
      return value.asText();
    }
    if (value.isBoolean()) {
      return value.asBoolean();
    }
    if (value.isArray()) {
      List<Object> list = new ArrayList<>();
      JsonNode items = schema == null ? null : schema.path("items");
      value.forEach(
          item -> list.add(toCel(item, items != null && items.isObject() ? items : null)));
      return list;
    }
    Map<String, Object> map = new LinkedHashMap<>();
    JsonNode properties = schema == null ? null : schema.path("properties");
    JsonNode additional = schema == null ? null : schema.path("additionalProperties");
    value
        .properties()
        .forEach(
            e -> {
              JsonNode child =
                  properties != null && properties.has(e.getKey())
                      ? properties.get(e.getKey())
                      : additional != null && additional.isObject() ? additional : null;
              map.put(e.getKey(), toCel(e.getValue(), child));
            });
    return map;
  }
}
