package io.modelship.local.scenario;

import java.time.Duration;
import java.time.Instant;

/**
 * The traffic of {@code --scenario autoscale} (pure): starts at {@code low} requests/s, raises the
 * rate by {@code step} every {@code hold} until the HPA has scaled the Deployment out, holds it
 * until the new pods are ready, then drops back to {@code low} until the HPA has scaled back in to
 * its minimum. Fed the Deployment's replicas once a second; says what rate to send and when both
 * have happened.
 */
public final class AutoscaleRamp {

  public enum Stage {
    RAISING,
    SCALED_OUT,
    LOWERING,
    DONE
  }

  private final double low;
  private final double step;
  private final double highest;
  private final Duration hold;
  private final int minReplicas;
  private Stage stage = Stage.RAISING;
  private double rate;
  private Instant raisedAt;
  private int peak;
  private int peakReady;

  public AutoscaleRamp(double low, double step, double highest, Duration hold, int minReplicas) {
    this.low = low;
    this.step = step;
    this.highest = highest;
    this.hold = hold;
    this.minReplicas = minReplicas;
    this.rate = low;
  }

  /** The rate to send from now on, given the Deployment's wanted and ready replicas. */
  public double next(Instant now, int replicas, int ready) {
    if (raisedAt == null) {
      raisedAt = now;
    }
    switch (stage) {
      case RAISING -> {
        if (replicas > minReplicas) {
          stage = Stage.SCALED_OUT;
          peak = replicas;
        } else if (!now.isBefore(raisedAt.plus(hold)) && rate < highest) {
          rate = Math.min(highest, rate + step);
          raisedAt = now;
        }
      }
      case SCALED_OUT -> {
        peak = Math.max(peak, replicas);
        peakReady = Math.max(peakReady, Math.min(ready, replicas));
        if (ready >= replicas) {
          stage = Stage.LOWERING;
          rate = low;
        }
      }
      case LOWERING -> {
        if (replicas <= minReplicas && ready >= replicas) {
          stage = Stage.DONE;
        }
      }
      case DONE -> {}
    }
    return rate;
  }

  public Stage stage() {
    return stage;
  }

  /** The most replicas the HPA scaled out to. */
  public int peak() {
    return peak;
  }

  /**
   * The most pods ready at once after the scale-out: above the minimum only if what the HPA chose
   * held until the new pods served (a count someone else set back at once never gets there).
   */
  public int peakReady() {
    return peakReady;
  }

  /**
   * The canary's pods beside an autoscaled stable side of {@code stablePods} at {@code weight}, as
   * the operator README states it ("Autoscaling during a canary"): ceil(weight × stable), at least
   * one.
   */
  public static int canaryPods(int weight, int stablePods) {
    if (weight <= 0) {
      return 0;
    }
    return Math.max(1, (int) Math.ceil(Math.min(weight, 100) * stablePods / 100.0 - 1e-9));
  }

  public double rate() {
    return rate;
  }
}
