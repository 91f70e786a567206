package io.modelship.kubectl;

/** A problem the user can fix, printed as "error: message" without a stack trace. */
final class UserError extends RuntimeException {

  UserError(String message) {
    super(message);
  }
}
