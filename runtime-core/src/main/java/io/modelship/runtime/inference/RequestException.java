package io.modelship.runtime.inference;

/**
 * A request the domain cannot serve, with the reason and a message naming what was wrong. The HTTP
 * layer turns the reason into a status code (in one place); nothing here knows HTTP.
 */
public final class RequestException extends RuntimeException {

  /** Why a request is refused. */
  public enum Reason {
    /** Malformed or invalid input: wrong feature count, names, values, shapes, labels. */
    BAD_INPUT,
    /** An unknown model, version, request id or verb. */
    NOT_FOUND,
    /** The request cannot be served in the runtime's current configuration. */
    CONFLICT,
    /** No model is loaded (yet, or any more). */
    NOT_READY,
    /** More than the configured limit (rows in a batch). */
    TOO_LARGE
  }

  private final Reason reason;

  public RequestException(Reason reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }

  public static RequestException badInput(String message) {
    return new RequestException(Reason.BAD_INPUT, message);
  }

  public static RequestException notFound(String message) {
    return new RequestException(Reason.NOT_FOUND, message);
  }

  public static RequestException conflict(String message) {
    return new RequestException(Reason.CONFLICT, message);
  }

  public static RequestException tooLarge(String message) {
    return new RequestException(Reason.TOO_LARGE, message);
  }

  public static RequestException notReady(String message) {
    return new RequestException(Reason.NOT_READY, message);
  }
}
