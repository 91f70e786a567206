package io.modelship.operator.metrics;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.api.reconciler.RetryInfo;
import io.javaoperatorsdk.operator.processing.Controller;
import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * JOSDK's metrics (passed on to {@code delegate}, e.g. its Micrometer ones) plus the operator's own
 * view of its reconciles, registered at start so a rate is 0 rather than "no data": {@code
 * modelship_operator_reconcile_errors_total} (reconciles that threw, before JOSDK's retry) and
 * {@code modelship_operator_reconciles_in_progress}. A ModelDeployment's deletion drops its {@link
 * DeploymentMetrics} series: JOSDK tells its metrics of every deletion, finalizer or not.
 */
public final class ReconcileMetrics implements Metrics {

  private final Metrics delegate;
  private final DeploymentMetrics deployments;
  private final Counter errors;
  private final AtomicInteger inProgress = new AtomicInteger();

  public ReconcileMetrics(Metrics delegate, DeploymentMetrics deployments, MeterRegistry registry) {
    this.delegate = delegate;
    this.deployments = deployments;
    this.errors =
        Counter.builder("modelship.operator.reconcile.errors")
            .description("Reconciles that failed with an exception (JOSDK retries them)")
            .register(registry);
    Gauge.builder("modelship.operator.reconciles.in.progress", inProgress, AtomicInteger::get)
        .description("Reconciles running now")
        .register(registry);
  }

  @Override
  public void controllerRegistered(Controller<? extends HasMetadata> controller) {
    delegate.controllerRegistered(controller);
  }

  @Override
  public void receivedEvent(Event event, Map<String, Object> metadata) {
    delegate.receivedEvent(event, metadata);
  }

  @Override
  public void reconcileCustomResource(
      HasMetadata resource, RetryInfo retryInfo, Map<String, Object> metadata) {
    delegate.reconcileCustomResource(resource, retryInfo, metadata);
  }

  @Override
  public void failedReconciliation(
      HasMetadata resource, Exception exception, Map<String, Object> metadata) {
    errors.increment();
    delegate.failedReconciliation(resource, exception, metadata);
  }

  @Override
  public void reconciliationExecutionStarted(HasMetadata resource, Map<String, Object> metadata) {
    inProgress.incrementAndGet();
    delegate.reconciliationExecutionStarted(resource, metadata);
  }

  @Override
  public void reconciliationExecutionFinished(HasMetadata resource, Map<String, Object> metadata) {
    inProgress.decrementAndGet();
    delegate.reconciliationExecutionFinished(resource, metadata);
  }

  @Override
  public void cleanupDoneFor(ResourceID resourceID, Map<String, Object> metadata) {
    resourceID.getNamespace().ifPresent(ns -> deployments.forget(ns, resourceID.getName()));
    delegate.cleanupDoneFor(resourceID, metadata);
  }

  @Override
  public void finishedReconciliation(HasMetadata resource, Map<String, Object> metadata) {
    delegate.finishedReconciliation(resource, metadata);
  }

  @Override
  public <T> T timeControllerExecution(ControllerExecution<T> execution) throws Exception {
    return delegate.timeControllerExecution(execution);
  }

  @Override
  public <T extends Map<?, ?>> T monitorSizeOf(T map, String name) {
    return delegate.monitorSizeOf(map, name);
  }
}
