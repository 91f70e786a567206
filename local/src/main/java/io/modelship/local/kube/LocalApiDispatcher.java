package io.modelship.local.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.modelship.api.testing.MergePatchCrudDispatcher;
import java.io.UncheckedIOException;
import java.util.Objects;

/**
 * The shared RFC 7386 CRUD dispatcher, telling the {@link WatchHub} about every change it stores,
 * with the change's old and new object, so that HTTP watches (which the stock mock does not serve;
 * it only speaks WebSocket watches) see ADDED, MODIFIED and DELETED as on a cluster.
 */
final class LocalApiDispatcher extends MergePatchCrudDispatcher {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final WatchHub hub;

  LocalApiDispatcher(WatchHub hub) {
    this.hub = hub;
  }

  @Override
  public void processEvent(
      String path,
      AttributeSet pathAttributes,
      AttributeSet oldAttributes,
      GenericKubernetesResource resource,
      String newState) {
    String existing = oldAttributes == null ? null : map.get(oldAttributes);
    super.processEvent(path, pathAttributes, oldAttributes, resource, newState);
    if (Objects.equals(existing, newState)) {
      return;
    }
    String rawPath = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
    ResourcePath where = ResourcePath.parse(rawPath).orElse(null);
    if (where == null) {
      return;
    }
    JsonNode oldObject = existing == null ? null : read(existing);
    JsonNode newObject = newState == null ? null : read(newState);
    long version;
    if (newObject != null) {
      version = newObject.path("metadata").path("resourceVersion").asLong(requestResourceVersion());
    } else {
      // A deletion gets a version of its own, as on an API server, so a watch resumes after it.
      version = requestResourceVersion();
      ((ObjectNode) oldObject.path("metadata")).put("resourceVersion", String.valueOf(version));
    }
    hub.publish(
        new WatchHub.Change(version, where.group(), where.resource(), oldObject, newObject));
  }

  private static JsonNode read(String json) {
    try {
      return JSON.readTree(json);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
