package io.modelship.runtime.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
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
    public static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .recyclerPool(JsonRecyclerPools.newBoundedPool(256))
            .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
            .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    private static final String JSON = "application/json";

    private JsonIo() {}

    /**
     * The request body as JSON; refuses other content types, bodies over {@code maxBytes} (413),
     * empty bodies and malformed JSON. A body with a Content-Length is read into an array of exactly
     * that size (the common case, and no copying through growing buffers).
     */
    public static JsonNode body(Context ctx, long maxBytes) {
        String type = ctx.contentType();
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith(JSON)) {
            throw new HttpError(415, "Content-Type must be application/json, got "
                    + (type == null ? "none" : "'" + type + "'"));
        }
        byte[] bytes = read(ctx, maxBytes);
        if (bytes.length == 0) {
            throw HttpError.badRequest("request body is empty; expected a JSON object");
        }
        try {
            JsonNode node = MAPPER.readTree(bytes);
            if (node == null || !node.isObject() && !node.isArray()) {
                throw HttpError.badRequest("request body must be a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            var at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw HttpError.badRequest("malformed JSON" + where + ": " + e.getOriginalMessage().replaceAll(
                    "\\s*\\(start marker at.*$|\\s*\\(for .*$", ""));
        } catch (IOException e) {
            throw HttpError.badRequest("cannot read the request body: " + e.getMessage());
        }
    }

    private static byte[] read(Context ctx, long maxBytes) {
        long length = ctx.req().getContentLengthLong();
        if (length > maxBytes) {
            refuseOversize(ctx, length, maxBytes);
        }
        if (length < 0) {
            return ctx.bodyAsBytes(); // chunked: Javalin reads it, enforcing the same limit
        }
        try {
            byte[] bytes = ctx.req().getInputStream().readNBytes((int) length);
            if (bytes.length < length) {
                throw HttpError.badRequest("request body ended after " + bytes.length + " of " + length + " bytes");
            }
            return bytes;
        } catch (IOException e) {
            throw HttpError.badRequest("cannot read the request body: " + e.getMessage());
        }
    }

    /**
     * Reads and drops what is left of a request body (up to {@code limit} bytes) before an early error
     * answer (401, 415, 429, 503…), so the connection stays usable for the client's next request.
     */
    public static void discardUnreadBody(Context ctx, long limit) {
        long length = ctx.req().getContentLengthLong();
        if (length > 0 && length <= limit) {
            try {
                ctx.req().getInputStream().skip(length);
            } catch (IOException | IllegalStateException e) {
                // already read, or the client went away
            }
        }
    }

    /**
     * Answers 413. The route wrapper reads and drops a body up to 4x the limit first, so a client
     * still uploading gets the answer rather than a reset; beyond that the connection is closed,
     * and said so.
     */
    private static void refuseOversize(Context ctx, long length, long maxBytes) {
        if (length > 4 * maxBytes) {
            ctx.header("Connection", "close");
        }
        throw new HttpError(413, "request body is larger than the limit of " + maxBytes + " bytes");
    }

    /**
     * Writes the answer into Jetty's pooled output buffer (not through Javalin's per-response copy
     * buffer). The stream is left open: Jetty completes the response after the route wrapper has
     * counted the request, so statistics never lag behind an answer the client already has.
     */
    /** Context attribute: what to run once the status is known, before the body goes out. */
    static final String BEFORE_ANSWER = "modelship.beforeAnswer";

    public static void write(Context ctx, int status, Object value) {
        ctx.status(status).contentType(JSON);
        try {
            byte[] body = MAPPER.writeValueAsBytes(value);
            // With Content-Length set the client has the answer as soon as the last byte is written,
            // so the request is counted first: a client never sees statistics without its own request.
            Runnable beforeAnswer = ctx.attribute(BEFORE_ANSWER);
            if (beforeAnswer != null) {
                beforeAnswer.run();
            }
            ctx.res().setContentLength(body.length);
            ctx.res().getOutputStream().write(body);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the response", e);
        }
    }

    public static void ok(Context ctx, Object value) {
        write(ctx, 200, value);
    }

    public static void error(Context ctx, int status, String message) {
        write(ctx, status, Map.of("error", message));
    }
}
