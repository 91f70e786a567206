package io.modelship.runtime.http;

import io.modelship.runtime.inference.RequestException;

/**
 * A request refused by the HTTP layer itself (body, content type, authentication, rate limit), with
 * its status; and the one place where the domain's refusals get theirs.
 */
public final class HttpError extends RuntimeException {

  /** The status code of each reason the domain refuses a request for. */
  public static int statusOf(RequestException.Reason reason) {
    return switch (reason) {
      case BAD_INPUT -> 400;
      case NOT_FOUND -> 404;
      case CONFLICT -> 409;
      case TOO_LARGE -> 413;
      case NOT_READY -> 503;
    };
  }

  private final int status;

  public HttpError(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  public int status() {
    return status;
  }

  public static HttpError badRequest(String message) {
    return new HttpError(400, message);
  }

  public static HttpError notFound(String message) {
    return new HttpError(404, message);
  }
}
