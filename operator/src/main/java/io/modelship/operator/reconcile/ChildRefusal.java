package io.modelship.operator.reconcile;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.AggregatedOperatorException;
import io.modelship.operator.problem.Problem;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A child the API server refused (invalid, too long a name, denied by admission, a name taken by an
 * object we do not own) as a {@link Problem} carrying the server's own message, so it shows as
 * {@code Ready=False} instead of a retried exception that leaves the old status standing.
 */
public final class ChildRefusal {

  public static final String REASON = "ChildRefused";

  private ChildRefusal() {}

  /** The API's refusals inside {@code failure}; empty when it is not one (the caller rethrows). */
  public static Optional<Problem> of(Throwable failure) {
    var refusals = new ArrayList<KubernetesClientException>();
    collect(failure, refusals, new HashSet<>());
    if (refusals.isEmpty()) {
      return Optional.empty();
    }
    List<String> messages = refusals.stream().map(ChildRefusal::describe).distinct().toList();
    return Optional.of(
        new Problem(REASON, "The API server refused a child: " + String.join("; ", messages)));
  }

  private static void collect(
      Throwable t, List<KubernetesClientException> found, Set<Throwable> seen) {
    if (t == null || !seen.add(t)) {
      return;
    }
    if (t instanceof KubernetesClientException k && refused(k.getCode())) {
      found.add(k);
      return;
    }
    if (t instanceof AggregatedOperatorException aggregated) {
      aggregated.getAggregatedExceptions().values().forEach(e -> collect(e, found, seen));
    }
    collect(t.getCause(), found, seen);
    for (Throwable suppressed : t.getSuppressed()) {
      collect(suppressed, found, seen);
    }
  }

  /**
   * 4xx answers a retry will not change: 400/403/404/409/413/415/422. 409 on create means the name
   * is taken by an object we do not own (ours would be in the cache and be updated instead). 429
   * and 5xx are transient and left to the retry.
   */
  static boolean refused(int code) {
    return code >= 400 && code < 500 && code != 408 && code != 429;
  }

  static String describe(KubernetesClientException e) {
    var status = e.getStatus();
    String message =
        status != null && status.getMessage() != null ? status.getMessage() : e.getMessage();
    String reason = status != null && status.getReason() != null ? " " + status.getReason() : "";
    return message + " (" + e.getCode() + reason + ")";
  }
}
