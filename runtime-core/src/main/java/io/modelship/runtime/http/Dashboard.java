package io.modelship.runtime.http;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The dashboard page, served with a Content-Security-Policy that allows exactly its own inline
 * script and style (by their sha256, computed here from the page itself) and fetches to this
 * server, nothing from elsewhere, and no framing. The page holds no data: it asks for a bearer
 * token when the runtime has one and sends it with its fetches, so the page itself needs none.
 */
final class Dashboard {

  static final String RESOURCE = "/io/modelship/runtime/dashboard.html";
  private static final Pattern INLINE =
      Pattern.compile("<(script|style)>(.*?)</\\1>", Pattern.DOTALL);

  private final byte[] html;
  private final String policy;

  Dashboard(byte[] html) {
    this.html = html;
    this.policy = policyFor(new String(html, StandardCharsets.UTF_8));
  }

  static Dashboard fromResource() {
    try (InputStream in = Dashboard.class.getResourceAsStream(RESOURCE)) {
      return new Dashboard(
          in == null
              ? "<!doctype html><p>Modelship serving runtime</p>".getBytes(StandardCharsets.UTF_8)
              : in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void serve(Context ctx) {
    ctx.header("Content-Security-Policy", policy);
    ctx.header("X-Frame-Options", "DENY");
    ctx.header("Referrer-Policy", "no-referrer");
    ctx.header("Cache-Control", "no-store");
    ctx.contentType("text/html; charset=utf-8").result(html);
  }

  String policy() {
    return policy;
  }

  /**
   * Nothing by default; the page's own inline script and style elements by hash; style attributes
   * (the charts set widths and colours in generated markup: no script runs from them); fetches to
   * this origin only; no forms posted anywhere, no base URI, no framing.
   */
  static String policyFor(String page) {
    List<String> scripts = new ArrayList<>();
    List<String> styles = new ArrayList<>();
    Matcher m = INLINE.matcher(page);
    while (m.find()) {
      (m.group(1).equals("script") ? scripts : styles).add("'sha256-" + sha256(m.group(2)) + "'");
    }
    return "default-src 'none'; script-src "
        + (scripts.isEmpty() ? "'none'" : String.join(" ", scripts))
        + "; style-src-elem "
        + (styles.isEmpty() ? "'none'" : String.join(" ", styles))
        + "; style-src-attr 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; base-uri 'none';"
        + " form-action 'none'; frame-ancestors 'none'";
  }

  private static String sha256(String text) {
    try {
      return Base64.getEncoder()
          .encodeToString(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
