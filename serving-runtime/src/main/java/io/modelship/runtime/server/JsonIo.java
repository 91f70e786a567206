package io.modelship.runtime.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import java.util.Locale;
import java.util.Map;

/** JSON in and out of handlers, with the checks every POST endpoint shares. */
public final class JsonIo {

    public static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final String JSON = "application/json";

    private JsonIo() {}

    /** The request body as JSON; refuses other content types, empty bodies and malformed JSON. */
    public static JsonNode body(Context ctx) {
        String type = ctx.contentType();
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith(JSON)) {
            throw new ApiError(415, "Content-Type must be application/json, got "
                    + (type == null ? "none" : "'" + type + "'"));
        }
        byte[] bytes = ctx.bodyAsBytes();
        if (bytes.length == 0) {
            throw ApiError.badRequest("request body is empty; expected a JSON object");
        }
        try {
            JsonNode node = MAPPER.readTree(bytes);
            if (node == null || !node.isObject() && !node.isArray()) {
                throw ApiError.badRequest("request body must be a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            var at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw ApiError.badRequest("malformed JSON" + where + ": " + e.getOriginalMessage().replaceAll(
                    "\\s*\\(start marker at.*$|\\s*\\(for .*$", ""));
        } catch (java.io.IOException e) {
            throw ApiError.badRequest("cannot read the request body: " + e.getMessage());
        }
    }

    public static void write(Context ctx, int status, Object value) {
        try {
            ctx.status(status).contentType(JSON).result(MAPPER.writeValueAsBytes(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise response", e);
        }
    }

    public static void ok(Context ctx, Object value) {
        write(ctx, 200, value);
    }

    public static void error(Context ctx, int status, String message) {
        write(ctx, status, Map.of("error", message));
    }
}
