package io.modelship.runtime.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Builds a JSON tree from a streaming parser, counting values as they arrive: a body over its
 * {@link JsonLimits} is refused at the first value too many, before the rest is read or allocated.
 * All requests being parsed at once share one budget of values sized from the heap ({@link
 * InFlight}), so many large bodies at once get 429 instead of exhausting memory.
 */
final class BoundedJson {

  /**
   * What one parsed value costs on the heap, rounded up: a {@code DoubleNode} (24 bytes), its slot
   * in the parent's list (4-8), the list's growth slack, and the {@code double} it becomes (8).
   */
  static final int BYTES_PER_VALUE = 48;

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final JsonParser parser;
  private final JsonLimits limits;
  private final InFlight.Lease lease;
  private long values;

  BoundedJson(JsonParser parser, JsonLimits limits, InFlight.Lease lease) {
    this.parser = parser;
    this.limits = limits;
    this.lease = lease;
  }

  /** The one value in the parser (null for an empty body); trailing content is refused. */
  static JsonNode read(JsonParser parser, JsonLimits limits, InFlight.Lease lease)
      throws IOException {
    JsonToken first = parser.nextToken();
    if (first == null) {
      return null;
    }
    BoundedJson reader = new BoundedJson(parser, limits, lease);
    JsonNode root = reader.value(first, 1);
    reader.refuseTrailingContent();
    return root;
  }

  /** Refuses anything after the body's one value. */
  void refuseTrailingContent() throws IOException {
    if (parser.nextToken() != null) {
      throw HttpError.badRequest(
          "malformed JSON at line "
              + parser.currentLocation().getLineNr()
              + ", column "
              + parser.currentLocation().getColumnNr()
              + ": trailing content after the JSON value");
    }
  }

  /** The value starting at {@code token} as a tree, counted (the token itself included). */
  JsonNode value(JsonToken token, int depth) throws IOException {
    count();
    return switch (token) {
      case START_OBJECT -> object(depth);
      case START_ARRAY -> array(depth);
      case VALUE_STRING -> NODES.textNode(parser.getText());
      case VALUE_NUMBER_INT ->
          switch (parser.getNumberType()) {
            case INT -> NODES.numberNode(parser.getIntValue());
            case LONG -> NODES.numberNode(parser.getLongValue());
            default -> NODES.numberNode(parser.getBigIntegerValue());
          };
      case VALUE_NUMBER_FLOAT -> NODES.numberNode(parser.getDoubleValue());
      case VALUE_TRUE -> NODES.booleanNode(true);
      case VALUE_FALSE -> NODES.booleanNode(false);
      case VALUE_NULL -> NODES.nullNode();
      default -> throw HttpError.badRequest("malformed JSON: unexpected " + token);
    };
  }

  private ObjectNode object(int depth) throws IOException {
    nested(depth);
    ObjectNode node = NODES.objectNode();
    for (JsonToken t = parser.nextToken(); t != JsonToken.END_OBJECT; t = parser.nextToken()) {
      String name = parser.currentName();
      count();
      node.set(name, value(parser.nextToken(), depth + 1));
    }
    return node;
  }

  private ArrayNode array(int depth) throws IOException {
    nested(depth);
    ArrayNode node = NODES.arrayNode();
    for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
      node.add(value(t, depth + 1));
    }
    return node;
  }

  /** Refuses a list or object that opens at {@code depth}. */
  void nested(int depth) {
    if (depth > limits.maxDepth()) {
      throw HttpError.badRequest("request body nests deeper than " + limits.maxDepth() + " levels");
    }
  }

  /** Counts one value (a number, string, list, object or object member) against the limits. */
  void count() {
    values++;
    if (values > limits.maxValues()) {
      throw new HttpError(
          413,
          "request body holds more than "
              + limits.maxValues()
              + " JSON values; this endpoint"
              + " takes "
              + limits.takes());
    }
    if ((values & (InFlight.CHUNK - 1)) == 0) { // the first CHUNK values of any body are free
      lease.take();
    }
  }

  /** The values all requests being parsed at once may hold, shared by the server's requests. */
  static final class InFlight {

    /** Values taken from the shared budget at a time (a power of two). */
    static final int CHUNK = 4096;

    private static final long WAIT_MILLIS = 2000;

    private final Semaphore chunks;
    private final int capacity;

    /** A budget of {@code bytes} of parsed trees. */
    InFlight(long bytes) {
      this.capacity =
          (int) Math.max(2, Math.min(Integer.MAX_VALUE, bytes / BYTES_PER_VALUE / CHUNK));
      this.chunks = new Semaphore(capacity);
    }

    /** A quarter of the heap: the rest holds the model, monitoring windows, Jetty and answers. */
    static InFlight forHeap() {
      return new InFlight(Runtime.getRuntime().maxMemory() / 4);
    }

    long capacityValues() {
      return (long) capacity * CHUNK;
    }

    Lease lease() {
      return new Lease();
    }

    /** What one request holds; released when the request is done with its tree. */
    final class Lease implements AutoCloseable {
      /** Raw body bytes a chunk covers: as many as the values it stands for would cost. */
      private static final long CHUNK_BYTES = (long) CHUNK * BYTES_PER_VALUE;

      private int held;

      /**
       * Raw body bytes already covered (the first chunk's worth is free, like a body's first
       * values).
       */
      private long bytesCovered = CHUNK_BYTES;

      /** Covers a body's raw bytes as they arrive ({@code total} so far), a chunk at a time. */
      void takeBytes(long total) {
        while (total > bytesCovered) {
          take();
          bytesCovered += CHUNK_BYTES;
        }
      }

      void take() {
        try {
          if (!chunks.tryAcquire(WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
            throw new HttpError(
                429,
                "too many large requests are being parsed at once (over "
                    + capacityValues()
                    + " JSON values in flight); retry shortly");
          }
          held++;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new HttpError(503, "interrupted while waiting to parse the request body");
        }
      }

      @Override
      public void close() {
        if (held > 0) {
          chunks.release(held);
          held = 0;
        }
      }
    }
  }
}
