package io.modelship.local.kube;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Every change the store makes, in resourceVersion order, for the HTTP watches kubectl and the
 * Fabric8 clients open. Keeps the latest changes so a watch that starts from a list's
 * resourceVersion misses nothing made in between; older than that answers 410 Expired, as an API
 * server does, and the client lists again.
 */
public final class WatchHub {

  /** One stored change; the old object is null for a creation, the new one null for a deletion. */
  public record Change(
      long resourceVersion,
      String group,
      String resource,
      JsonNode oldObject,
      JsonNode newObject) {}

  static final int HISTORY = 20_000;
  private static final Change CLOSED = new Change(-1, "", "", null, null);

  private final Deque<Change> history = new ArrayDeque<>();
  private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();
  private long evictedUpTo;
  private volatile boolean closed;

  private final List<java.util.function.Consumer<Change>> listeners = new CopyOnWriteArrayList<>();

  /** Calls {@code listener} with every change as it is published (on the writer's thread). */
  public void onChange(java.util.function.Consumer<Change> listener) {
    listeners.add(listener);
  }

  public synchronized void publish(Change change) {
    listeners.forEach(l -> l.accept(change));
    history.addLast(change);
    if (history.size() > HISTORY) {
      evictedUpTo = history.removeFirst().resourceVersion();
    }
    subscriptions.forEach(s -> s.queue.offer(change));
  }

  /**
   * Subscribes to changes after {@code resourceVersion} (0 or less: only changes from now on).
   *
   * @throws ExpiredException when changes after that version are no longer kept
   */
  public synchronized Subscription subscribe(long resourceVersion) throws ExpiredException {
    if (closed) {
      throw new ExpiredException("the API server is shutting down");
    }
    if (resourceVersion > 0 && resourceVersion < evictedUpTo) {
      throw new ExpiredException(
          "too old resource version: " + resourceVersion + " (" + evictedUpTo + ")");
    }
    Subscription s = new Subscription();
    if (resourceVersion > 0) {
      history.stream().filter(c -> c.resourceVersion() > resourceVersion).forEach(s.queue::offer);
    }
    subscriptions.add(s);
    return s;
  }

  /** The object as it was deleted, if its deletion is among the changes kept. */
  public synchronized java.util.Optional<JsonNode> lastDeleted(
      String group, String resource, String namespace, String name) {
    var it = history.descendingIterator();
    while (it.hasNext()) {
      Change c = it.next();
      if (c.newObject() == null
          && c.oldObject() != null
          && c.group().equals(group)
          && c.resource().equals(resource)
          && name.equals(c.oldObject().path("metadata").path("name").asText())
          && (namespace == null
              || namespace.equals(c.oldObject().path("metadata").path("namespace").asText()))) {
        return java.util.Optional.of(c.oldObject());
      }
    }
    return java.util.Optional.empty();
  }

  /** Ends every open watch. */
  public void close() {
    closed = true;
    subscriptions.forEach(Subscription::close);
  }

  public final class Subscription implements AutoCloseable {
    private final LinkedBlockingQueue<Change> queue = new LinkedBlockingQueue<>();

    /** The next change, or null after the timeout or once closed. */
    public Change next(long timeoutMillis) throws InterruptedException {
      Change c = queue.poll(timeoutMillis, TimeUnit.MILLISECONDS);
      return c == CLOSED ? null : c;
    }

    public boolean isClosed() {
      return closed || !subscriptions.contains(this);
    }

    @Override
    public void close() {
      subscriptions.remove(this);
      queue.offer(CLOSED);
    }
  }

  public static final class ExpiredException extends Exception {
    public ExpiredException(String message) {
      super(message);
    }
  }
}
