package io.modelship.kubectl;

/** Exit codes of kubectl-modelship, for CI pipelines; documented in the README. */
public enum ExitCode {
  OK(0),
  /** Not found, bad input, an action that does not apply, an API error. */
  ERROR(1),
  /** Unknown command or option (picocli's usage error code). */
  USAGE(2),
  /** status: the rollout ended Degraded (rolled back, aborted, unhealthy). */
  DEGRADED(3),
  /** status: the resource is Failed (its spec cannot be served). */
  FAILED(4),
  /** status: neither Healthy, Degraded nor Failed within --timeout. */
  TIMEOUT(5);

  private final int code;

  ExitCode(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }
}
