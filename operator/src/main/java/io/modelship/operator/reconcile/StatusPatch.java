package io.modelship.operator.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.modelship.api.v1alpha1.status.ModelDeploymentStatus;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The JSON merge patch taking the operator's fields of the status from what was read to what was
 * assembled. The operator is the status's only writer; pods report in their own RuntimeReports.
 */
public final class StatusPatch {

  private StatusPatch() {}

  /** The patch body, or empty when nothing changes. */
  public static Optional<String> between(
      ModelDeploymentStatus current,
      ModelDeploymentStatus assembled,
      KubernetesSerialization serialization) {
    ObjectNode before = operatorFields(current, serialization);
    ObjectNode after = operatorFields(assembled, serialization);
    ObjectNode diff = diff(before, after);
    if (diff.isEmpty()) {
      return Optional.empty();
    }
    ObjectNode patch = JsonNodeFactory.instance.objectNode();
    patch.set("status", diff);
    return Optional.of(patch.toString());
  }

  /**
   * Whether going from {@code current} to {@code assembled} changes only what the runtime reports
   * move on every interval: the {@code figures} (top-level fields such as drift and accuracy) and
   * the messages of conditions whose status and reason stay put (a Drifted message names the sample
   * count). Such a change can wait for the next report interval; anything else (phase, replicas,
   * rollout, a condition that flips) cannot.
   */
  public static boolean reportFiguresOnly(
      ModelDeploymentStatus current,
      ModelDeploymentStatus assembled,
      Set<String> figures,
      KubernetesSerialization serialization) {
    if (current == null) {
      return false;
    }
    return withoutFigures(operatorFields(current, serialization), figures)
        .equals(withoutFigures(operatorFields(assembled, serialization), figures));
  }

  private static ObjectNode withoutFigures(ObjectNode status, Set<String> figures) {
    status.remove(figures);
    status.properties().removeIf(field -> field.getValue().isNull());
    if (status.get("conditions")
        instanceof com.fasterxml.jackson.databind.node.ArrayNode conditions) {
      for (JsonNode condition : conditions) {
        if (condition instanceof ObjectNode object) {
          object.remove("message");
        }
      }
    }
    return status;
  }

  private static ObjectNode operatorFields(
      ModelDeploymentStatus status, KubernetesSerialization serialization) {
    if (status == null) {
      return JsonNodeFactory.instance.objectNode();
    }
    return serialization.convertValue(status, ObjectNode.class);
  }

  /** RFC 7386: changed values as they are, removed keys as null, objects recursively. */
  static ObjectNode diff(ObjectNode before, ObjectNode after) {
    ObjectNode patch = JsonNodeFactory.instance.objectNode();
    for (Map.Entry<String, JsonNode> field : after.properties()) {
      JsonNode old = before.get(field.getKey());
      JsonNode now = field.getValue();
      if (now.isNull()) {
        continue;
      }
      if (old instanceof ObjectNode oldObject && now instanceof ObjectNode newObject) {
        ObjectNode nested = diff(oldObject, newObject);
        if (!nested.isEmpty()) {
          patch.set(field.getKey(), nested);
        }
      } else if (!now.equals(old)) {
        patch.set(field.getKey(), now);
      }
    }
    for (Map.Entry<String, JsonNode> field : before.properties()) {
      String name = field.getKey();
      if (!field.getValue().isNull() && (!after.has(name) || after.get(name).isNull())) {
        patch.putNull(name);
      }
    }
    return patch;
  }
}
