package io.modelship.local.pods;

import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;
import java.time.Duration;
import java.time.Instant;

/**
 * What kube-controller-manager's Job controller does next for one Job, from its spec, what its pods
 * did so far and the time — pure, as the Kubernetes documentation ("Jobs") describes it:
 *
 * <ul>
 *   <li>more failed pods than {@code backoffLimit} (default 6): Failed, {@code
 *       BackoffLimitExceeded} — checked first, as the controller does;
 *   <li>active for {@code activeDeadlineSeconds} since {@code status.startTime}: Failed, {@code
 *       DeadlineExceeded}, its active pods stopped;
 *   <li>{@code completions} (default 1) pods succeeded: Complete;
 *   <li>otherwise up to {@code parallelism} (default 1) pods run, a new one after a failure only
 *       once the back-off has passed: 10 s after the first failure, doubled for each further one,
 *       at most 6 minutes.
 * </ul>
 *
 * <p>Worked example, {@code backoffLimit: 1}: the first pod fails at 12:00:00 (failed 1, not above
 * 1) → the next pod at 12:00:10; it fails too (failed 2 > 1) → Failed, BackoffLimitExceeded.
 */
public final class JobProgress {

  static final Duration BACKOFF = Duration.ofSeconds(10);
  static final Duration MAX_BACKOFF = Duration.ofMinutes(6);

  /** The spec fields that matter here, with Kubernetes' defaults filled in. */
  public record Spec(int completions, int parallelism, int backoffLimit, Long deadlineSeconds) {

    public static Spec of(JobSpec spec) {
      return new Spec(
          spec.getCompletions() == null ? 1 : spec.getCompletions(),
          spec.getParallelism() == null ? 1 : spec.getParallelism(),
          spec.getBackoffLimit() == null ? 6 : spec.getBackoffLimit(),
          spec.getActiveDeadlineSeconds());
    }
  }

  /**
   * What the Job's pods did: running now, succeeded and failed so far, and when the last one failed
   * (null when none did).
   */
  public record Pods(int active, int succeeded, int failed, Instant lastFailure) {}

  /** The next step. */
  public sealed interface Step {}

  /** Nothing to do now: pods are running, or the next one waits for its back-off. */
  public record Wait() implements Step {}

  /** Start this many pods. */
  public record StartPods(int count) implements Step {}

  /** Enough pods succeeded. */
  public record Complete() implements Step {}

  /** The Job failed: its active pods are stopped. */
  public record Fail(String reason, String message) implements Step {}

  public static final String BACKOFF_LIMIT_EXCEEDED = "BackoffLimitExceeded";
  public static final String DEADLINE_EXCEEDED = "DeadlineExceeded";

  private JobProgress() {}

  public static Step next(Spec spec, Pods pods, Instant startTime, Instant now) {
    if (pods.failed() > spec.backoffLimit()) {
      return new Fail(BACKOFF_LIMIT_EXCEEDED, "Job has reached the specified backoff limit");
    }
    if (spec.deadlineSeconds() != null
        && !now.isBefore(startTime.plusSeconds(spec.deadlineSeconds()))) {
      return new Fail(DEADLINE_EXCEEDED, "Job was active longer than specified deadline");
    }
    if (pods.succeeded() >= spec.completions()) {
      return new Complete();
    }
    int wanted =
        Math.min(spec.parallelism(), spec.completions() - pods.succeeded()) - pods.active();
    if (wanted <= 0) {
      return new Wait();
    }
    if (pods.failed() > 0
        && pods.lastFailure() != null
        && now.isBefore(pods.lastFailure().plus(backoff(pods.failed())))) {
      return new Wait();
    }
    return new StartPods(wanted);
  }

  /** The delay before the next pod after {@code failed} failures: 10 s, 20 s, 40 s … 6 min. */
  static Duration backoff(int failed) {
    if (failed <= 0) {
      return Duration.ZERO;
    }
    Duration d = BACKOFF.multipliedBy(1L << Math.min(failed - 1, 10));
    return d.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : d;
  }
}
