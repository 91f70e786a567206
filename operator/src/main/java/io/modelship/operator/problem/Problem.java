package io.modelship.operator.problem;

import io.modelship.api.runtime.UriRedaction;

/** Something that keeps a ModelDeployment from serving, as a condition reason and message. */
public record Problem(String reason, String message) {

  /**
   * Whatever the source (the API server, a pod's load error), secrets in URIs never reach a
   * condition or Event.
   */
  public Problem {
    message = UriRedaction.redact(message);
  }
}
