package io.modelship.runtime.storage;

/**
 * An object store refused or failed a request; {@link #problem()} says which way, the message names
 * the object.
 */
public final class StorageException extends RuntimeException {

  /** What went wrong, in the terms a user fixes it by. */
  public enum Problem {
    NO_SUCH_BUCKET(false),
    NO_SUCH_KEY(false),
    ACCESS_DENIED(false),
    NO_CREDENTIALS(false),
    TOO_LARGE(false),
    TIMEOUT(true),
    UNREACHABLE(true),
    FAILED(true);

    private final boolean retryable;

    Problem(boolean retryable) {
      this.retryable = retryable;
    }

    /**
     * Whether trying again later may succeed (a timeout, a store that is down), unlike a wrong name
     * or key.
     */
    public boolean retryable() {
      return retryable;
    }
  }

  private final Problem problem;

  public StorageException(Problem problem, String message, Throwable cause) {
    super(message, cause);
    this.problem = problem;
  }

  public Problem problem() {
    return problem;
  }
}
