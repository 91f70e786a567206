package io.modelship.api.runtime;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes the secret parts of model URIs — user-info ({@code https://user:token@host/}) and query
 * strings (the signature of a pre-signed URL) — from any text before it goes into a condition, an
 * Event, a log line or {@code /ready}. Scheme, host and path stay, so the message still says which
 * package. One function for the operator, the runtime and local mode.
 */
public final class UriRedaction {

  public static final String MASK = "REDACTED";

  // scheme://[userinfo@]rest-up-to-query[?query] ; stops at whitespace, quotes and the fragment.
  private static final Pattern URI =
      Pattern.compile(
          "([A-Za-z][A-Za-z0-9+.-]*://)([^/\\s@\"'?#]*@)?([^\\s\"'?#]*)(\\?[^\\s\"'#]*)?");

  private UriRedaction() {}

  /**
   * {@code text} with every URI's user-info and query replaced by {@value #MASK}; null stays null.
   */
  public static String redact(String text) {
    if (text == null) {
      return null;
    }
    Matcher m = URI.matcher(text);
    var out = new StringBuilder();
    while (m.find()) {
      String replacement =
          m.group(1)
              + (m.group(2) == null ? "" : MASK + "@")
              + m.group(3)
              + (m.group(4) == null ? "" : "?" + MASK);
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    return out.toString();
  }

  /**
   * {@code text} (an error message) with every URI in it redacted, and {@code uri} itself too when
   * it appears raw: a library may quote it in a form the pattern does not take for a URI.
   */
  public static String scrub(String text, String uri) {
    if (text == null) {
      return null;
    }
    String out = uri == null || uri.isEmpty() ? text : text.replace(uri, redact(uri));
    return redact(out);
  }
}
