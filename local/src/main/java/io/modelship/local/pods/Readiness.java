package io.modelship.local.pods;

import io.fabric8.kubernetes.api.model.Probe;
import java.time.Duration;
import java.time.Instant;

/**
 * A container's readiness as a kubelet keeps it from the pod template's {@code readinessProbe}:
 * ready after {@code successThreshold} successes in a row, not ready again only after {@code
 * failureThreshold} failures in a row, each probe allowed {@code timeoutSeconds}. So one slow
 * answer from a busy pod does not take it out of its Services (the operator's probe allows 3
 * failures 5 s apart). One difference, for a quick local loop: until a container is first ready it
 * is probed on every pass of the pod runner, not once per {@code periodSeconds}.
 */
final class Readiness {

  /** The probe's settings, with Kubernetes' defaults for what the template leaves out. */
  record Spec(Duration period, Duration timeout, int successThreshold, int failureThreshold) {

    static final Spec DEFAULT = new Spec(Duration.ofSeconds(10), Duration.ofSeconds(1), 1, 3);

    static Spec of(Probe probe) {
      if (probe == null) {
        return DEFAULT;
      }
      return new Spec(
          seconds(probe.getPeriodSeconds(), DEFAULT.period()),
          seconds(probe.getTimeoutSeconds(), DEFAULT.timeout()),
          positive(probe.getSuccessThreshold(), DEFAULT.successThreshold()),
          positive(probe.getFailureThreshold(), DEFAULT.failureThreshold()));
    }

    private static Duration seconds(Integer value, Duration fallback) {
      return value == null || value < 1 ? fallback : Duration.ofSeconds(value);
    }

    private static int positive(Integer value, int fallback) {
      return value == null || value < 1 ? fallback : value;
    }
  }

  private final Spec spec;
  private boolean ready;
  private int successes;
  private int failures;
  private Instant lastProbe;

  Readiness(Spec spec) {
    this.spec = spec;
  }

  Spec spec() {
    return spec;
  }

  boolean ready() {
    return ready;
  }

  /** Whether a probe is due now: always before the first readiness, then once per period. */
  boolean due(Instant now) {
    return !ready || lastProbe == null || !now.isBefore(lastProbe.plus(spec.period()));
  }

  /** Takes one probe's result; returns whether the container is ready after it. */
  boolean record(Instant now, boolean succeeded) {
    lastProbe = now;
    if (succeeded) {
      failures = 0;
      successes++;
      if (!ready && successes >= spec.successThreshold()) {
        ready = true;
      }
    } else {
      successes = 0;
      failures++;
      if (ready && failures >= spec.failureThreshold()) {
        ready = false;
      }
    }
    return ready;
  }

  /** The container stopped or is stopping: not ready at once, and probing starts over. */
  void reset() {
    ready = false;
    successes = 0;
    failures = 0;
    lastProbe = null;
  }
}
