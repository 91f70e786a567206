package io.modelship.runtime.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.modelship.runtime.inference.FeatureRows;
import io.modelship.runtime.server.ServeConfig.BodyTiming;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Map;

/** JSON in and out of handlers, with the checks every POST endpoint shares. */
public final class JsonIo {

  /**
   * Jackson's default buffer pool is thread-local, and every request runs on a fresh virtual
   * thread, so buffers would never be reused; a small shared pool recycles them.
   */
  public static final ObjectMapper MAPPER =
      new ObjectMapper(
              JsonFactory.builder()
                  .recyclerPool(JsonRecyclerPools.newBoundedPool(256))
                  .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
                  .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
                  .build())
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);

  private static final String JSON = "application/json";

  private JsonIo() {}

  /** Parsing limits on single values: nothing a request needs is longer. */
  private static final JsonFactory REQUESTS =
      JsonFactory.builder()
          .recyclerPool(JsonRecyclerPools.newBoundedPool(256))
          .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
          // {"inputs": …, "inputs": …}: which one counts is a guess, so neither does (400 naming
          // the key)
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .streamReadConstraints(
              StreamReadConstraints.builder()
                  .maxStringLength(64 * 1024)
                  .maxNameLength(1024)
                  .maxNumberLength(400)
                  .maxNestingDepth(JsonLimits.MAX_DEPTH)
                  .build())
          .build();

  /** The parsed values all requests may hold at once (a quarter of the heap). */
  private static final BoundedJson.InFlight IN_FLIGHT = BoundedJson.InFlight.forHeap();

  /** Context attribute: the request's share of {@link #IN_FLIGHT}, returned by {@link #release}. */
  private static final String LEASE = "modelship.jsonLease";

  /**
   * The request body as JSON, parsed as it streams in and counted against {@code limits} (a body
   * over them is refused at the first value too many, 413); refuses other content types, bodies
   * over {@code maxBytes} (413), empty bodies and malformed JSON. The body's bytes are never held
   * whole: only the tree, which the limits bound. Call {@link #release} when the request is done.
   */
  public static JsonNode body(Context ctx, long maxBytes, BodyTiming timing, JsonLimits limits) {
    return signedBody(ctx, maxBytes, timing, limits, null);
  }

  /**
   * A body checked like {@link #body} whose bytes {@code signed} must accept before anything is
   * parsed (403 otherwise): a call between replicas, signed with the deployment's key.
   */
  public static JsonNode signedBody(
      Context ctx,
      long maxBytes,
      BodyTiming timing,
      JsonLimits limits,
      java.util.function.Predicate<byte[]> signed) {
    JsonNode node =
        parse(
            ctx,
            maxBytes,
            timing,
            (parser, lease) -> BoundedJson.read(parser, limits, lease),
            signed);
    if (!node.isObject() && !node.isArray()) {
      throw HttpError.badRequest("request body must be a JSON object");
    }
    return node;
  }

  /**
   * A batch body, checked like {@link #body}, with the rows of its {@code field} (or of the body
   * itself when {@code bareList} and it is a list) read straight into arrays.
   */
  static BatchBody batchBody(
      Context ctx,
      long maxBytes,
      BodyTiming timing,
      FeatureRows features,
      String field,
      boolean bareList) {
    JsonLimits limits = JsonLimits.forRows(features);
    return parse(
        ctx,
        maxBytes,
        timing,
        (parser, lease) ->
            BatchBody.read(
                parser, new BoundedJson(parser, limits, lease), features, field, bareList),
        null);
  }

  private interface BodyReader<T> {
    /** The body's value, or null when the body is empty. */
    T read(JsonParser parser, BoundedJson.InFlight.Lease lease) throws IOException;
  }

  /**
   * The checks every body gets (content type, declared size, empty), then the body read whole
   * within {@code timing} ({@link RequestBody}), then the parse, with the request's share of the
   * in-flight budget held until {@link #release}.
   */
  private static <T> T parse(
      Context ctx,
      long maxBytes,
      BodyTiming timing,
      BodyReader<T> reader,
      java.util.function.Predicate<byte[]> signed) {
    String type = ctx.contentType();
    if (type == null || !type.toLowerCase(Locale.ROOT).startsWith(JSON)) {
      throw new HttpError(
          415,
          "Content-Type must be application/json, got "
              + (type == null ? "none" : "'" + type + "'"));
    }
    long length = ctx.req().getContentLengthLong();
    if (length > maxBytes) {
      throw new HttpError(413, "request body is larger than the limit of " + maxBytes + " bytes");
    }
    if (length == 0) {
      ctx.attribute(RequestBody.COMPLETE, Boolean.TRUE);
      throw HttpError.badRequest("request body is empty; expected a JSON object");
    }
    BoundedJson.InFlight.Lease lease = IN_FLIGHT.lease();
    ctx.attribute(LEASE, lease);
    byte[] body = RequestBody.read(ctx, length, maxBytes, timing, lease);
    if (signed != null && !signed.test(body)) {
      throw new HttpError(403, "the request's signature does not match this deployment's key");
    }
    try (JsonParser parser = REQUESTS.createParser(body)) {
      T value = reader.read(parser, lease);
      if (value == null) {
        throw HttpError.badRequest("request body is empty; expected a JSON object");
      }
      return value;
    } catch (JsonProcessingException e) {
      var at = e.getLocation();
      String where =
          at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
      throw HttpError.badRequest(
          "malformed JSON"
              + where
              + ": "
              + e.getOriginalMessage()
                  .replaceAll("\\s*\\(start marker at.*$|\\s*\\(for .*$", "")
                  .replaceAll(",? from `[^`]*`", ""));
    } catch (IOException e) {
      throw HttpError.badRequest("cannot read the request body: " + e.getMessage());
    }
  }

  /** Returns the request's share of the parsing budget; the route wrapper calls it when done. */
  static void release(Context ctx) {
    BoundedJson.InFlight.Lease lease = ctx.attribute(LEASE);
    if (lease != null) {
      lease.close();
    }
  }

  /**
   * Whether the request's body has been read to its end: only then can the connection carry the
   * client's next request. An answer given before (a refusal, or an error in the middle of the
   * body) closes the connection instead of reading what is left, which a slow client could make
   * last for minutes.
   */
  static boolean bodyUnread(Context ctx) {
    long length = ctx.req().getContentLengthLong();
    boolean hasBody = length > 0 || (length < 0 && ctx.header("Transfer-Encoding") != null);
    return hasBody && ctx.attribute(RequestBody.COMPLETE) == null;
  }

  /**
   * Writes the answer into Jetty's pooled output buffer (not through Javalin's per-response copy
   * buffer). The stream is left open: Jetty completes the response after the route wrapper has
   * counted the request, so statistics never lag behind an answer the client already has.
   */
  /** Context attribute: what to run once the status is known, before the body goes out. */
  static final String BEFORE_ANSWER = "modelship.beforeAnswer";

  public static void write(Context ctx, int status, Object value) {
    byte[] body;
    try {
      body = MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("cannot write the response", e);
    }
    send(ctx, status, body);
  }

  /** Writes an answer already serialised, like {@link #write}. */
  static void send(Context ctx, int status, byte[] body) {
    ctx.status(status).contentType(JSON);
    try {
      // With Content-Length set the client has the answer as soon as the last byte is written,
      // so the request is counted first: a client never sees statistics without its own request.
      Runnable beforeAnswer = ctx.attribute(BEFORE_ANSWER);
      if (beforeAnswer != null) {
        beforeAnswer.run();
      }
      ctx.res().setContentLength(body.length);
      ctx.res().getOutputStream().write(body);
    } catch (IOException e) {
      throw new ClientGone(e);
    }
  }

  /**
   * The client closed the connection before its answer was written: nothing to answer, nothing
   * broken.
   */
  static final class ClientGone extends UncheckedIOException {
    ClientGone(IOException cause) {
      super("the client closed the connection before the answer was written", cause);
    }
  }

  public static void ok(Context ctx, Object value) {
    write(ctx, 200, value);
  }

  public static void error(Context ctx, int status, String message) {
    write(ctx, status, Map.of("error", message));
  }
}
