package io.modelship.operator.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import java.util.Map;

/**
 * HELP texts for the Java Operator SDK's meters, which register none: without them {@code promtool
 * check metrics} flags every JOSDK series on the operator's /metrics. Names end in the controller's
 * name for the per-controller gauges, so those match by prefix.
 */
public final class JosdkDescriptions implements MeterFilter {

  private static final String PREFIX = "operator.sdk.";
  private static final Map<String, String> BY_PREFIX =
      Map.of(
          "operator.sdk.reconciliations.queue.size.",
              "Resources with events waiting for a reconcile, per controller",
          "operator.sdk.reconciliations.executions.", "Reconciles running now, per controller",
          "operator.sdk.reconciliations.started", "Reconciles started (JOSDK)",
          "operator.sdk.reconciliations.success",
              "Reconciles that finished without an exception (JOSDK)",
          "operator.sdk.reconciliations.failed", "Reconciles that threw (JOSDK)",
          "operator.sdk.reconciliations.retries", "Retries of failed reconciles (JOSDK)",
          "operator.sdk.controllers.execution.",
              "Controller executions by outcome, and their duration (JOSDK)",
          "operator.sdk.events.", "Events received by the operator's informers (JOSDK)");

  @Override
  public Meter.Id map(Meter.Id id) {
    if (id.getDescription() != null || !id.getName().startsWith(PREFIX)) {
      return id;
    }
    String description =
        BY_PREFIX.entrySet().stream()
            .filter(e -> id.getName().startsWith(e.getKey()))
            .map(Map.Entry::getValue)
            .findFirst()
            .orElse("Java Operator SDK: " + id.getName());
    return new Meter.Id(
        id.getName(),
        io.micrometer.core.instrument.Tags.of(id.getTagsAsIterable()),
        id.getBaseUnit(),
        description,
        id.getType());
  }
}
