package io.modelship.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.RuntimeInfo;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.modelship.operator.metrics.OperatorMetrics;
import io.modelship.operator.metrics.ReconcileMetrics;
import io.modelship.operator.reconcile.ModelDeploymentReconciler;
import io.modelship.operator.settings.OperatorSettings;
import io.modelship.operator.signing.SigningKeys;
import java.time.Clock;
import java.util.Optional;

/** The JOSDK operator with the ModelDeployment controller registered, as main and tests run it. */
public final class ModelshipOperator implements AutoCloseable {

  private final Operator operator;
  private final KubernetesClient client;
  private final Optional<LeaderLease> lease;

  /** Set once start() returned: asking JOSDK while it starts blocks until the caches sync. */
  private volatile boolean started;

  /**
   * @param lease the leader-election Lease; empty runs without election
   */
  public ModelshipOperator(
      KubernetesClient client,
      OperatorSettings settings,
      SigningKeys keys,
      MeterRegistry registry,
      Optional<LeaderLease> lease,
      Clock clock) {
    this.client = client;
    this.lease = lease;
    var metrics = new OperatorMetrics(registry);
    operator =
        new Operator(
            o -> {
              o.withKubernetesClient(client)
                  .withMetrics(
                      new ReconcileMetrics(
                          MicrometerMetrics.withoutPerResourceMetrics(registry),
                          metrics.deployments(),
                          registry))
                  // Update-based matching compares desired with actual fields and tolerates what
                  // the server adds; it behaves the same against the mock API and a real one.
                  .withSSABasedCreateUpdateMatchForDependentResources(false)
                  .withUseSSAToPatchPrimaryResource(false)
                  .withCloseClientOnStop(false)
                  .withStopOnInformerErrorDuringStartup(false);
              lease.map(LeaderLease::configuration).ifPresent(o::withLeaderElectionConfiguration);
            });
    var reconciler = new ModelDeploymentReconciler(settings, keys, metrics, clock);
    operator.register(
        reconciler,
        c -> {
          if (settings.namespaces().isEmpty()) {
            c.watchingAllNamespaces();
          } else {
            c.settingNamespaces(settings.namespaces());
          }
        });
  }

  public void start() {
    operator.start();
    started = true;
  }

  /** Started and every informer healthy: what /readyz reports. */
  public boolean ready() {
    if (!started) {
      return false;
    }
    try {
      return runtimeInfo().allEventSourcesAreHealthy();
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** The controllers registered and their event sources, as JOSDK reports them. */
  public RuntimeInfo runtimeInfo() {
    return operator.getRuntimeInfo();
  }

  /** Stops reconciling, then hands the Lease back if this replica held it. */
  @Override
  public void close() {
    lease.ifPresent(LeaderLease::shuttingDown);
    operator.stop();
    lease.ifPresent(l -> l.release(client));
  }
}
