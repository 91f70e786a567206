package io.modelship.runtime.grpc;

import io.grpc.Status;
import io.modelship.runtime.http.HttpError;
import io.modelship.runtime.inference.RequestException;

/**
 * The one place where a refusal gets its gRPC status: every error is first given the HTTP status
 * REST answers it with ({@link HttpError#statusOf}), so both transports refuse the same requests
 * for the same reasons, and that status maps to the gRPC code below. The message is REST's.
 */
final class GrpcStatuses {

  private GrpcStatuses() {}

  /** The HTTP status REST would answer {@code e} with. */
  static int httpStatusOf(Throwable e) {
    return switch (e) {
      case RequestException r -> HttpError.statusOf(r.reason());
      case HttpError h -> h.status();
      default -> 500;
    };
  }

  /** The gRPC code of an HTTP status (what REST answers), with the same message. */
  static Status of(int httpStatus, String message) {
    Status status =
        switch (httpStatus) {
          case 400 -> Status.INVALID_ARGUMENT;
          case 401 -> Status.UNAUTHENTICATED;
          case 403 -> Status.PERMISSION_DENIED;
          case 404 -> Status.NOT_FOUND;
          case 409 -> Status.FAILED_PRECONDITION;
          // Too many rows, over the rate limit: gRPC's code for exhausted quotas and limits.
          case 413, 429 -> Status.RESOURCE_EXHAUSTED;
          case 503 -> Status.UNAVAILABLE;
          default -> Status.INTERNAL;
        };
    return status.withDescription(message);
  }
}
