package io.modelship.local.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What an API server does to a custom resource before storing it: fields its CRD's structural
 * schema does not declare are dropped (unless the schema says {@code
 * x-kubernetes-preserve-unknown-fields}). Applied to full objects and to JSON merge patches alike,
 * since a merge patch has the object's shape. Without it, a manifest written for a newer CRD would
 * reach the operator with fields its types refuse. The dropped fields' paths are what {@code
 * fieldValidation=Strict} refuses and {@code Warn} warns about.
 */
final class SchemaPruning {

  private static final Set<String> ALWAYS_KEPT = Set.of("apiVersion", "kind", "metadata");

  private SchemaPruning() {}

  /**
   * Prunes {@code object} in place against the CRD version's openAPIV3Schema; returns the paths of
   * the fields dropped, as kube-apiserver names them ({@code spec.modle}, {@code
   * spec.steps[0].pause.x}).
   */
  static List<String> prune(JsonNode object, JsonNode schema) {
    List<String> dropped = new ArrayList<>();
    if (!(object instanceof ObjectNode root) || schema == null || schema.isMissingNode()) {
      return dropped;
    }
    List<String> names = new ArrayList<>();
    root.fieldNames().forEachRemaining(names::add);
    JsonNode properties = schema.path("properties");
    for (String name : names) {
      if (ALWAYS_KEPT.contains(name)) {
        continue;
      }
      if (properties.has(name)) {
        pruneValue(root.get(name), properties.get(name), name, dropped);
      } else if (!schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
        root.remove(name);
        dropped.add(name);
      }
    }
    return dropped;
  }

  private static void pruneValue(
      JsonNode value, JsonNode schema, String path, List<String> dropped) {
    if (schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
      return;
    }
    if (value instanceof ObjectNode object) {
      JsonNode properties = schema.path("properties");
      JsonNode additional = schema.path("additionalProperties");
      List<String> names = new ArrayList<>();
      object.fieldNames().forEachRemaining(names::add);
      for (String name : names) {
        if (properties.has(name)) {
          pruneValue(object.get(name), properties.get(name), path + "." + name, dropped);
        } else if (additional.isObject()) {
          pruneValue(object.get(name), additional, path + "." + name, dropped);
        } else if (!additional.asBoolean(false)
            && !schema.has("anyOf")
            && !schema.has("x-kubernetes-int-or-string")) {
          object.remove(name);
          dropped.add(path + "." + name);
        }
      }
    } else if (value instanceof ArrayNode array && schema.has("items")) {
      for (int i = 0; i < array.size(); i++) {
        pruneValue(array.get(i), schema.path("items"), path + "[" + i + "]", dropped);
      }
    }
  }
}
