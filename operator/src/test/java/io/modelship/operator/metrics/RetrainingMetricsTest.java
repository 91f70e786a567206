package io.modelship.operator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.modelship.api.testing.Promtool;
import io.modelship.api.v1alpha1.status.RetrainingOutcome;
import io.modelship.api.v1alpha1.status.RetrainingTrigger;
import org.junit.jupiter.api.Test;

/** The retraining series the chart's alerts and boards read, as Prometheus scrapes them. */
class RetrainingMetricsTest {

  final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  final RetrainingMetrics metrics = new OperatorMetrics(registry).deployments().retraining();

  @Test
  void failuresAreCountedFromZeroAndWaitingCandidatesAreAGauge() {
    metrics.observe("ml", "iris", false, 0);
    String before = registry.scrape();
    assertThat(before)
        .contains(
            "modelship_retraining_runs_total{name=\"iris\",namespace=\"ml\",outcome=\"Failed\",trigger=\"Drift\"} 0.0")
        .contains("modelship_retraining_candidates_waiting{name=\"iris\",namespace=\"ml\"} 0.0")
        .doesNotContain("outcome=\"Running\"");

    metrics.ended("ml", "iris", RetrainingTrigger.Drift, RetrainingOutcome.TimedOut);
    metrics.observe("ml", "iris", true, 2);

    String after = registry.scrape();
    assertThat(after)
        .contains(
            "modelship_retraining_runs_total{name=\"iris\",namespace=\"ml\",outcome=\"TimedOut\",trigger=\"Drift\"} 1.0")
        .contains("modelship_retraining_candidates_waiting{name=\"iris\",namespace=\"ml\"} 2.0")
        .contains("modelship_retraining_run_in_progress{name=\"iris\",namespace=\"ml\"} 1.0");
    var lint = Promtool.checkMetrics(after);
    assertThat(lint.ok()).as(lint.output()).isTrue();
    assertThat(lint.output()).as("promtool check metrics findings").isBlank();
  }

  @Test
  void aDeletedResourceTakesItsSeriesAlong() {
    metrics.observe("ml", "iris", false, 1);
    metrics.forget("ml", "iris");
    assertThat(registry.scrape()).doesNotContain("modelship_retraining");
  }
}
