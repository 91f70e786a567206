package io.modelship.operator;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** The operator's own counters, next to the JOSDK metrics on /metrics. */
public final class OperatorMetrics {

  private final Counter reconciles;
  private final Counter rollouts;
  private final Counter driftAlerts;
  private final Counter statusWrites;

  public OperatorMetrics(MeterRegistry registry) {
    reconciles = Counter.builder("modelship.operator.reconciles").description("Reconciles run").register(registry);
    rollouts = Counter.builder("modelship.operator.rollouts").description("Versions promoted to stable").register(registry);
    driftAlerts = Counter.builder("modelship.operator.drift.alerts").description("Drifted conditions turned True").register(registry);
    statusWrites = Counter.builder("modelship.operator.status.writes").description("Status merge patches sent").register(registry);
  }

  public void reconciled() {
    reconciles.increment();
  }

  public void rolledOut() {
    rollouts.increment();
  }

  public void driftAlerted() {
    driftAlerts.increment();
  }

  public void statusWritten() {
    statusWrites.increment();
  }
}
