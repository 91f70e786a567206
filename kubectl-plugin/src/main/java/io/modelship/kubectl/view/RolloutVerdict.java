package io.modelship.kubectl.view;

/** What {@code kubectl modelship status} concludes from one look at the resource. */
public enum RolloutVerdict {
  /** Healthy, and the status describes the current spec generation. */
  HEALTHY,
  /** Degraded for the current generation: rolled back, aborted, or unhealthy. */
  DEGRADED,
  /** Failed for the current generation: the spec cannot be served. */
  FAILED,
  /** Anything else: keep waiting. */
  WAITING;

  public static RolloutVerdict of(ModelDeploymentView md) {
    if (!md.observedCurrent()) {
      return WAITING;
    }
    return switch (md.phase()) {
      case HEALTHY -> HEALTHY;
      case DEGRADED -> DEGRADED;
      case FAILED -> FAILED;
      default -> WAITING;
    };
  }

  /** One line for CI logs: phase, generation and the status message. */
  public static String describe(ModelDeploymentView md) {
    var text = new StringBuilder(md.ref()).append(": ").append(md.phase().text());
    if (!md.observedCurrent()) {
      text.append(" (waiting for the operator to observe generation ")
          .append(md.generation())
          .append(')');
    }
    String headline = md.headline();
    if (headline != null) {
      text.append(" - ").append(headline);
    }
    return text.toString();
  }
}
