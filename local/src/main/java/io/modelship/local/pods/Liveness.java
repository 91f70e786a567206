package io.modelship.local.pods;

import io.fabric8.kubernetes.api.model.Probe;
import java.time.Duration;
import java.time.Instant;

/**
 * A container's startup and liveness probes as a kubelet runs them: until the startup probe
 * succeeds neither liveness nor readiness is probed; a startup probe still failing after {@code
 * initialDelaySeconds + periodSeconds × failureThreshold}, or {@code failureThreshold} liveness
 * failures in a row, kill the container, which is then restarted. Without a startup probe the
 * container counts as started at once. One difference, for a quick local loop: the startup probe
 * runs on every pass of the pod runner, not once per period, and its budget is counted in time
 * rather than in failures, so it is the same.
 */
final class Liveness {

  private final Probe startupProbe;
  private final Readiness.Spec startup;
  private final Duration startupDelay;
  private final Probe livenessProbe;
  private final Readiness.Spec liveness;
  private final Duration livenessDelay;
  private Instant since;
  private boolean started;
  private Instant lastLiveness;
  private int failures;

  Liveness(Probe startupProbe, Probe livenessProbe) {
    this.startupProbe = startupProbe;
    this.startup = startupProbe == null ? null : Readiness.Spec.of(startupProbe);
    this.startupDelay = delay(startupProbe);
    this.livenessProbe = livenessProbe;
    this.liveness = livenessProbe == null ? null : Readiness.Spec.of(livenessProbe);
    this.livenessDelay = delay(livenessProbe);
  }

  private static Duration delay(Probe probe) {
    return probe == null || probe.getInitialDelaySeconds() == null
        ? Duration.ZERO
        : Duration.ofSeconds(Math.max(0, probe.getInitialDelaySeconds()));
  }

  Probe startupProbe() {
    return startupProbe;
  }

  Probe livenessProbe() {
    return livenessProbe;
  }

  Readiness.Spec startupSpec() {
    return startup;
  }

  Readiness.Spec livenessSpec() {
    return liveness;
  }

  /** The container (re)started at {@code now}: probing starts over. */
  void started(Instant now) {
    since = now;
    started = startup == null;
    lastLiveness = null;
    failures = 0;
  }

  /** Whether the startup probe has succeeded (or there is none): containerStatus.started. */
  boolean hasStarted() {
    return started;
  }

  boolean startupDue(Instant now) {
    return since != null && !started && !now.isBefore(since.plus(startupDelay));
  }

  /**
   * Takes a startup probe's result; true when the container has run out of time and must be killed.
   */
  boolean recordStartup(Instant now, boolean succeeded) {
    if (succeeded) {
      started = true;
      return false;
    }
    Duration budget = startupDelay.plus(startup.period().multipliedBy(startup.failureThreshold()));
    return !now.isBefore(since.plus(budget));
  }

  boolean livenessDue(Instant now) {
    return since != null
        && started
        && liveness != null
        && !now.isBefore(since.plus(livenessDelay))
        && (lastLiveness == null || !now.isBefore(lastLiveness.plus(liveness.period())));
  }

  /**
   * Takes a liveness probe's result; true after {@code failureThreshold} failures in a row: kill
   * it.
   */
  boolean recordLiveness(Instant now, boolean succeeded) {
    lastLiveness = now;
    if (succeeded) {
      failures = 0;
      return false;
    }
    return ++failures >= liveness.failureThreshold();
  }
}
