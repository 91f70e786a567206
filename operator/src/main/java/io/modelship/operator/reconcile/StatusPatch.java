package io.modelship.operator.reconcile;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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

  private static final ObjectMapper MAPPER = new ObjectMapper();

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

  /** Whether a patch from {@link #between} changes nothing but the given top-level status fields. */
  public static boolean touchesOnly(String patch, Set<String> fields) {
    try {
      JsonNode status = MAPPER.readTree(patch).path("status");
      for (String name : (Iterable<String>) status::fieldNames) {
        if (!fields.contains(name)) {
          return false;
        }
      }
      return true;
    } catch (JsonProcessingException e) {
      return false;
    }
  }

  private static ObjectNode operatorFields(ModelDeploymentStatus status, KubernetesSerialization serialization) {
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
