package io.modelship.runtime.model;

import java.util.regex.Pattern;

/**
 * The one place that hides secrets of a model URI before it is shown anywhere ({@code /ready},
 * errors, logs, reports): the user-info ({@code https://user:token@host/…}) and the query string
 * and fragment (a signed URL's signature, {@code ?X-Amz-Signature=…}).
 */
public final class UriRedaction {

    private static final Pattern USER_INFO = Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]*://)[^/@\\s?#]*@");
    private static final Pattern QUERY = Pattern.compile("(?i)(\\b[a-z][a-z0-9+.-]*://[^\\s?#]*)[?#][^\\s'\"]*");

    private UriRedaction() {}

    /** {@code uri} without user-info, query string or fragment ({@code ?…} stands where they were). */
    public static String redact(String uri) {
        if (uri == null) {
            return null;
        }
        String out = USER_INFO.matcher(uri).replaceAll("$1***@");
        if (!out.contains("://")) {
            return out; // a plain path: nothing secret in it
        }
        return QUERY.matcher(out).replaceAll("$1?…");
    }

    /** {@code text} (an error message) with every URI in it redacted, and {@code uri} itself if it appears raw. */
    public static String scrub(String text, String uri) {
        if (text == null) {
            return null;
        }
        String out = uri == null || uri.isEmpty() ? text : text.replace(uri, redact(uri));
        return redact(out);
    }
}
