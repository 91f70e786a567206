package io.modelship.runtime.http;

import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Set;

/**
 * Optional bearer-token auth and a global request rate limit (token bucket), for every method of
 * every route. Health and readiness stay open so kubelet probes never need the token; the dashboard
 * page needs none either (see {@link #DASHBOARD}).
 */
final class AccessControl {

  static final Set<String> OPEN_PATHS =
      Set.of("/health", "/ready", "/v2/health/live", "/v2/health/ready");

  /**
   * The dashboard page: it holds no data and asks for the token itself (kept in the page's memory,
   * sent with its fetches), so a browser can open it; what it shows still needs the token.
   */
  static final String DASHBOARD = "/";

  /**
   * Calls between the replicas of a deployment ({@link io.modelship.runtime.sink.LabelForwarder}):
   * authenticated by the deployment's signing key (the body's HMAC) instead of the bearer token,
   * which is never sent to an address an old request id names, and outside the rate limit, which is
   * the clients' budget.
   */
  static final String SIGNED = io.modelship.runtime.sink.LabelForwarder.PATH;

  private final byte[] token;
  private final double ratePerSecond;
  private double tokens;
  private long lastRefill = System.nanoTime();

  AccessControl(String token, double ratePerSecond) {
    this.token = token == null ? null : ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
    this.ratePerSecond = ratePerSecond;
    this.tokens = ratePerSecond;
  }

  boolean enabled() {
    return token != null || ratePerSecond > 0;
  }

  /**
   * Whether a request to {@code path} with this {@code Authorization} header would be refused with
   * 401.
   */
  boolean refusesToken(String path, String authorization) {
    if (token == null
        || OPEN_PATHS.contains(path)
        || DASHBOARD.equals(path)
        || SIGNED.equals(path)) {
      return false;
    }
    byte[] given =
        authorization == null ? new byte[0] : authorization.getBytes(StandardCharsets.UTF_8);
    return !MessageDigest.isEqual(token, given);
  }

  void check(Context ctx) {
    if (OPEN_PATHS.contains(ctx.path()) || SIGNED.equals(ctx.path())) {
      return;
    }
    if (token != null && !DASHBOARD.equals(ctx.path())) {
      String header = ctx.header("Authorization");
      byte[] given = header == null ? new byte[0] : header.getBytes(StandardCharsets.UTF_8);
      if (!MessageDigest.isEqual(token, given)) {
        ctx.header("WWW-Authenticate", "Bearer");
        throw new HttpError(
            401,
            header == null
                ? "missing bearer token (Authorization: Bearer …)"
                : "invalid bearer token");
      }
    }
    if (ratePerSecond > 0 && !acquire()) {
      ctx.header("Retry-After", "1");
      throw new HttpError(429, "rate limit of " + ratePerSecond + " requests per second exceeded");
    }
  }

  /** Whether the rate limit (if any) admits one more request now; takes its token when it does. */
  boolean admitsRate() {
    return ratePerSecond <= 0 || acquire();
  }

  String rateLimitMessage() {
    return "rate limit of " + ratePerSecond + " requests per second exceeded";
  }

  private synchronized boolean acquire() {
    long now = System.nanoTime();
    tokens = Math.min(ratePerSecond, tokens + (now - lastRefill) / 1e9 * ratePerSecond);
    lastRefill = now;
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }
}
