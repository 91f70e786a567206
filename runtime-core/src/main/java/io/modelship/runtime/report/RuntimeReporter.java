package io.modelship.runtime.report;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.modelship.api.v1alpha1.ModelDeployment;
import io.modelship.api.v1alpha1.status.RuntimeReport;
import io.modelship.runtime.server.ServeConfig;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes this pod's entry {@code status.runtimeReports.<pod>} on its ModelDeployment every report
 * interval. A JSON merge patch of that one entry on the status subresource is all it sends, so it
 * needs only {@code patch} on {@code modeldeployments/status} and never overwrites another pod's
 * entry or the operator's fields. Failures are logged and retried with back-off; nothing is ever
 * thrown into the serving runtime.
 */
public final class RuntimeReporter implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(RuntimeReporter.class);
  static final Duration MAX_BACKOFF = Duration.ofMinutes(5);
  /** Spreads the pods of one Deployment so their patches do not arrive in bursts. */
  static final double JITTER = 0.2;

  private final KubernetesClient client;
  private final Supplier<RuntimeReport> supplier;
  private final String pod;
  private final String namespace;
  private final String modelDeployment;
  private final Duration interval;
  private final Clock clock;
  private final ScheduledExecutorService scheduler;
  private int failures;

  public RuntimeReporter(
      KubernetesClient client,
      Supplier<RuntimeReport> supplier,
      String pod,
      String namespace,
      String modelDeployment,
      Duration interval,
      Clock clock) {
    this.client = Objects.requireNonNull(client);
    this.supplier = Objects.requireNonNull(supplier);
    this.pod = Objects.requireNonNull(pod);
    this.namespace = Objects.requireNonNull(namespace);
    this.modelDeployment = Objects.requireNonNull(modelDeployment);
    if (interval.isZero() || interval.isNegative()) {
      throw new IllegalArgumentException("report interval must be positive, got " + interval);
    }
    this.interval = interval;
    this.clock = clock;
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("runtime-reporter").factory());
  }

  /**
   * A reporter for the ModelDeployment this pod serves, from the settings the operator gives serving
   * pods ({@code POD_NAME}, {@code POD_NAMESPACE}, {@code MODELDEPLOYMENT_NAME},
   * {@code REPORT_INTERVAL_SECONDS}, read by {@link ServeConfig}); empty outside a ModelDeployment,
   * e.g. when the runtime runs on a laptop.
   */
  public static Optional<RuntimeReporter> forDeployment(
      ServeConfig.Reporting settings, Supplier<KubernetesClient> client, Supplier<RuntimeReport> supplier) {
    if (!settings.enabled()) {
      return Optional.empty();
    }
    Duration interval = settings.interval().isPositive() ? settings.interval() : Duration.ofSeconds(1);
    return Optional.of(new RuntimeReporter(client.get(), supplier, settings.podName(), settings.namespace(),
        settings.modelDeployment(), interval, Clock.systemUTC()));
  }

  /** Starts reporting after a random part of one interval. */
  public RuntimeReporter start() {
    schedule(Duration.ofMillis(1 + ThreadLocalRandom.current().nextLong(interval.toMillis())));
    return this;
  }

  /** Sends one report now; false when it could not be written. */
  public boolean reportOnce() {
    try {
      RuntimeReport report = supplier.get();
      if (report == null) {
        return false;
      }
      if (report.getReportTime() == null) {
        report.setReportTime(clock.instant().truncatedTo(ChronoUnit.MILLIS).toString());
      }
      client.resources(ModelDeployment.class)
          .inNamespace(namespace)
          .withName(modelDeployment)
          .subresource("status")
          .patch(PatchContext.of(PatchType.JSON_MERGE), body(report));
      if (failures > 0) {
        log.info("Reporting to {}/{} works again after {} failures", namespace, modelDeployment, failures);
      }
      failures = 0;
      return true;
    } catch (RuntimeException e) {
      failures++;
      if (failures == 1 || failures % 10 == 0) {
        log.warn("Could not report to {}/{} ({} failures in a row): {}", namespace, modelDeployment, failures, e.getMessage());
      }
      return false;
    }
  }

  /** The merge patch: this pod's entry, with absent fields as null so stale values go. */
  String body(RuntimeReport report) {
    ObjectNode entry = client.getKubernetesSerialization().convertValue(report, ObjectNode.class);
    for (Field field : RuntimeReport.class.getDeclaredFields()) {
      if (!Modifier.isStatic(field.getModifiers()) && !entry.has(field.getName())) {
        entry.putNull(field.getName());
      }
    }
    ObjectNode patch = JsonNodeFactory.instance.objectNode();
    patch.putObject("status").putObject("runtimeReports").set(pod, entry);
    return patch.toString();
  }

  /** Delay before the next report: the interval, or a growing back-off after failures. */
  Duration nextDelay() {
    if (failures == 0) {
      return jittered(interval);
    }
    long factor = 1L << Math.min(failures, 10);
    Duration backoff = interval.multipliedBy(factor);
    return jittered(backoff.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff);
  }

  int failures() {
    return failures;
  }

  private void schedule(Duration delay) {
    if (scheduler.isShutdown()) {
      return;
    }
    scheduler.schedule(
        () -> {
          reportOnce();
          schedule(nextDelay());
        },
        delay.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  private static Duration jittered(Duration base) {
    double factor = 1 + JITTER * (ThreadLocalRandom.current().nextDouble() * 2 - 1);
    return Duration.ofMillis(Math.max(1, (long) (base.toMillis() * factor)));
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
