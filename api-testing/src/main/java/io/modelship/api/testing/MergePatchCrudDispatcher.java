package io.modelship.api.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.crud.KubernetesCrudDispatcherException;
import java.util.Map;

/**
 * The Fabric8 mock server's CRUD dispatcher with JSON merge patches applied as RFC 7386 and the API
 * server apply them: lists replaced, null removing a key. The stock mock appends to lists and keeps
 * nulls, which would make repeated runtime reports and pruning look broken when they are not.
 * Shared by the runtime's and the operator's tests and by local mode's embedded API.
 */
public class MergePatchCrudDispatcher extends KubernetesCrudDispatcher {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public JsonNode merge(JsonNode base, String patch) throws KubernetesCrudDispatcherException {
    try {
      return apply(base.deepCopy(), JSON.readTree(patch));
    } catch (JsonProcessingException e) {
      throw new KubernetesCrudDispatcherException(e.getMessage(), 422);
    }
  }

  public static JsonNode apply(JsonNode target, JsonNode patch) {
    if (!patch.isObject()) {
      return patch;
    }
    ObjectNode result =
        target != null && target.isObject()
            ? (ObjectNode) target
            : JsonNodeFactory.instance.objectNode();
    for (Map.Entry<String, JsonNode> field : patch.properties()) {
      if (field.getValue().isNull()) {
        result.remove(field.getKey());
      } else {
        result.set(field.getKey(), apply(result.get(field.getKey()), field.getValue()));
      }
    }
    return result;
  }
}
