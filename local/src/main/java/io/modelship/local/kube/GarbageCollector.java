package io.modelship.local.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The garbage collector of kube-controller-manager, for every kind the embedded API stores: it
 * follows every stored change (as the real one follows watches) and keeps an index of dependents by
 * their owners' uids. When an owner is gone, each dependent whose other owners are gone too is
 * deleted (in the background, the default propagation); one that still has a live owner only loses
 * the reference. {@link #orphan} and {@link #deleteInForeground} carry out the {@code Orphan} and
 * {@code Foreground} propagation policies of a DELETE.
 */
public final class GarbageCollector implements AutoCloseable {

  /**
   * The finalizer an owner deleted in the foreground carries until its blocking dependents are
   * gone.
   */
  public static final String FOREGROUND = "foregroundDeletion";

  private static final Logger log = LoggerFactory.getLogger(GarbageCollector.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The store's operations the collector needs, on REST paths. */
  public interface Store {
    Optional<JsonNode> get(String path);

    void delete(String path);

    void mergePatch(String path, JsonNode patch);
  }

  /** A stored object: its REST path and uid. */
  record Ref(String path, String uid) {}

  private final Store store;
  private final Map<String, Set<Ref>> dependents = new ConcurrentHashMap<>();
  private final Map<String, Ref> byUid = new ConcurrentHashMap<>();
  private final ExecutorService work = Executors.newVirtualThreadPerTaskExecutor();

  public GarbageCollector(Store store) {
    this.store = store;
  }

  /** Takes in one stored change; a deletion collects the deleted object's dependents. */
  public void observe(WatchHub.Change change) {
    JsonNode newObject = change.newObject();
    JsonNode oldObject = change.oldObject();
    if (oldObject != null) {
      forget(oldObject, change);
    }
    if (newObject != null) {
      index(newObject, change);
    } else if (oldObject != null) {
      String uid = oldObject.path("metadata").path("uid").asText("");
      if (!uid.isEmpty()) {
        work.submit(() -> collect(uid));
      }
    }
  }

  private void index(JsonNode object, WatchHub.Change change) {
    String uid = object.path("metadata").path("uid").asText("");
    if (uid.isEmpty()) {
      return;
    }
    Ref ref = new Ref(path(change.group(), object, change.resource()), uid);
    byUid.put(uid, ref);
    for (JsonNode owner : object.path("metadata").path("ownerReferences")) {
      dependents
          .computeIfAbsent(owner.path("uid").asText(), k -> ConcurrentHashMap.newKeySet())
          .add(ref);
    }
  }

  private void forget(JsonNode object, WatchHub.Change change) {
    String uid = object.path("metadata").path("uid").asText("");
    Ref ref = new Ref(path(change.group(), object, change.resource()), uid);
    byUid.remove(uid);
    for (JsonNode owner : object.path("metadata").path("ownerReferences")) {
      Set<Ref> set = dependents.get(owner.path("uid").asText());
      if (set != null) {
        set.remove(ref);
      }
    }
  }

  static String path(String group, JsonNode object, String resource) {
    String apiVersion = object.path("apiVersion").asText("");
    String version =
        apiVersion.contains("/") ? apiVersion.substring(apiVersion.indexOf('/') + 1) : apiVersion;
    String namespace = object.path("metadata").path("namespace").asText("");
    return (group.isEmpty() ? "/api/" + version : "/apis/" + group + "/" + version)
        + (namespace.isEmpty() ? "" : "/namespaces/" + namespace)
        + "/"
        + resource
        + "/"
        + object.path("metadata").path("name").asText();
  }

  /** The dependents of the object with {@code uid} now. */
  public List<String> dependentsOf(String uid) {
    return dependents.getOrDefault(uid, Set.of()).stream().map(Ref::path).toList();
  }

  /** The owner is gone: its dependents go too, unless another owner of theirs lives on. */
  private void collect(String ownerUid) {
    for (Ref dependent : List.copyOf(dependents.getOrDefault(ownerUid, Set.of()))) {
      try {
        JsonNode object = store.get(dependent.path()).orElse(null);
        if (object == null) {
          continue;
        }
        boolean otherOwnerLives = false;
        for (JsonNode owner : object.path("metadata").path("ownerReferences")) {
          String uid = owner.path("uid").asText();
          if (!uid.equals(ownerUid) && byUid.containsKey(uid)) {
            otherOwnerLives = true;
          }
        }
        if (otherOwnerLives) {
          store.mergePatch(dependent.path(), withoutOwner(object, ownerUid));
        } else {
          log.debug("garbage collecting {} (owner {} is gone)", dependent.path(), ownerUid);
          store.delete(dependent.path());
        }
      } catch (RuntimeException e) {
        log.warn("garbage collection of {} failed: {}", dependent.path(), e.getMessage());
      }
    }
    dependents.remove(ownerUid);
  }

  /**
   * {@code propagationPolicy=Orphan}: the owner's dependents lose their reference to it, before it
   * goes.
   */
  public void orphan(String ownerUid) {
    for (Ref dependent : List.copyOf(dependents.getOrDefault(ownerUid, Set.of()))) {
      store
          .get(dependent.path())
          .ifPresent(object -> store.mergePatch(dependent.path(), withoutOwner(object, ownerUid)));
    }
  }

  /**
   * {@code propagationPolicy=Foreground}, after the owner was marked with the {@link #FOREGROUND}
   * finalizer and deleted (so it shows a deletionTimestamp): its dependents are deleted, and once
   * those with {@code blockOwnerDeletion} are gone the finalizer is removed and the owner goes.
   */
  public void deleteInForeground(String ownerPath, String ownerUid, Duration timeout) {
    work.submit(
        () -> {
          List<Ref> all = List.copyOf(dependents.getOrDefault(ownerUid, Set.of()));
          List<Ref> blocking = new ArrayList<>();
          for (Ref dependent : all) {
            store
                .get(dependent.path())
                .ifPresent(
                    object -> {
                      for (JsonNode owner : object.path("metadata").path("ownerReferences")) {
                        if (owner.path("uid").asText().equals(ownerUid)
                            && owner.path("blockOwnerDeletion").asBoolean(false)) {
                          blocking.add(dependent);
                        }
                      }
                    });
            try {
              store.delete(dependent.path());
            } catch (RuntimeException e) {
              log.debug("foreground deletion of {}: {}", dependent.path(), e.getMessage());
            }
          }
          long deadline = System.nanoTime() + timeout.toNanos();
          while (System.nanoTime() < deadline
              && blocking.stream().anyMatch(d -> byUid.containsKey(d.uid()))) {
            try {
              Thread.sleep(50);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              return;
            }
          }
          store
              .get(ownerPath)
              .ifPresent(
                  owner -> {
                    ArrayNode finalizers = JSON.createArrayNode();
                    owner
                        .path("metadata")
                        .path("finalizers")
                        .forEach(
                            f -> {
                              if (!f.asText().equals(FOREGROUND)) {
                                finalizers.add(f);
                              }
                            });
                    ObjectNode patch = JSON.createObjectNode();
                    patch.putObject("metadata").set("finalizers", finalizers);
                    store.mergePatch(ownerPath, patch);
                  });
        });
  }

  private static JsonNode withoutOwner(JsonNode object, String ownerUid) {
    ArrayNode kept = JSON.createArrayNode();
    object
        .path("metadata")
        .path("ownerReferences")
        .forEach(
            o -> {
              if (!o.path("uid").asText().equals(ownerUid)) {
                kept.add(o);
              }
            });
    ObjectNode patch = JSON.createObjectNode();
    ObjectNode metadata = patch.putObject("metadata");
    if (kept.isEmpty()) {
      metadata.putNull("ownerReferences");
    } else {
      metadata.set("ownerReferences", kept);
    }
    return patch;
  }

  @Override
  public void close() {
    work.shutdownNow();
  }
}
