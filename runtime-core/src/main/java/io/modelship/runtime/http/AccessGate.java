package io.modelship.runtime.http;

/**
 * The HTTP routes' bearer token and rate limit for a request that does not arrive over HTTP (the
 * gRPC port): the same token, the same bucket, the same messages and statuses.
 */
public final class AccessGate {

  /** A path no open route has: every request through the gate needs the token. */
  private static final String OTHER_TRANSPORT = "grpc:";

  private final AccessControl access;

  AccessGate(AccessControl access) {
    this.access = access;
  }

  /**
   * Admits a request carrying this {@code Authorization} value (null when absent), or throws the
   * {@link HttpError} REST would answer: 401 without the right token, 429 over the rate limit.
   */
  public void admit(String authorization) {
    if (access.refusesToken(OTHER_TRANSPORT, authorization)) {
      throw new HttpError(
          401,
          authorization == null
              ? "missing bearer token (authorization: Bearer …)"
              : "invalid bearer token");
    }
    if (!access.admitsRate()) {
      throw new HttpError(429, access.rateLimitMessage());
    }
  }
}
