package io.modelship.operator.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.modelship.api.v1alpha1.status.RetrainingOutcome;
import io.modelship.api.v1alpha1.status.RetrainingTrigger;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Per ModelDeployment with spec.retraining (labels {@code namespace}, {@code name}, as the other
 * per-resource series): {@code modelship_retraining_runs_total{trigger, outcome}}, one per run that
 * ended, every trigger × outcome registered at 0 so a rate or an alert on failures is never "no
 * data", and {@code modelship_retraining_run_in_progress} (1 while a run's Job runs).
 */
public final class RetrainingMetrics {

  private final MeterRegistry registry;
  private final ConcurrentMap<DeploymentMetrics.Key, Series> deployments =
      new ConcurrentHashMap<>();

  RetrainingMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Registers the series of a resource with spec.retraining and sets whether a run runs. */
  public void observe(String namespace, String name, boolean running) {
    series(namespace, name).running.set(running ? 1 : 0);
  }

  /** Counts a run that ended. */
  public void ended(
      String namespace, String name, RetrainingTrigger trigger, RetrainingOutcome outcome) {
    counter(series(namespace, name).key, trigger, outcome).increment();
  }

  void forget(String namespace, String name) {
    Series series = deployments.remove(new DeploymentMetrics.Key(namespace, name));
    if (series != null) {
      series.meters.forEach(registry::remove);
    }
  }

  private Series series(String namespace, String name) {
    return deployments.computeIfAbsent(new DeploymentMetrics.Key(namespace, name), Series::new);
  }

  private Counter counter(
      DeploymentMetrics.Key key, RetrainingTrigger trigger, RetrainingOutcome outcome) {
    return Counter.builder("modelship.retraining.runs")
        .description("Retraining runs that ended, by trigger and outcome")
        .tags(key.tags().and(Tags.of("trigger", trigger.name(), "outcome", outcome.name())))
        .register(registry);
  }

  private final class Series {
    private final DeploymentMetrics.Key key;
    private final AtomicInteger running = new AtomicInteger();
    private final List<Meter> meters = new ArrayList<>();

    Series(DeploymentMetrics.Key key) {
      this.key = key;
      meters.add(
          Gauge.builder("modelship.retraining.run.in.progress", running, AtomicInteger::get)
              .description("1 while a retraining run's Job runs")
              .tags(key.tags())
              .register(registry));
      for (RetrainingTrigger trigger : RetrainingTrigger.values()) {
        for (RetrainingOutcome outcome : RetrainingOutcome.values()) {
          if (outcome != RetrainingOutcome.Running) {
            meters.add(counter(key, trigger, outcome));
          }
        }
      }
    }
  }
}
