package io.modelship.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.modelship.api.v1alpha1.spec.MonitoringSpec;
import io.modelship.api.v1alpha1.status.DriftLevel;
import io.modelship.operator.dependent.ServingNames;
import io.modelship.operator.harness.Manifests;
import io.modelship.operator.harness.OperatorHarness;
import io.modelship.operator.harness.Reports;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Pods reporting many times within one report interval cost at most one status write (watchers,
 * Argo CD included, wake once per interval), while a condition that flips is written at once.
 */
class StatusWritesIT {

  static final String NS = "writes";
  static final int PODS = 4;
  static final int INTERVAL_SECONDS = 6;

  OperatorHarness harness;

  @BeforeEach
  void start() {
    harness = new OperatorHarness(true);
    var md = Manifests.iris(NS, "iris", "1.0.0");
    md.getSpec().setReplicas(PODS);
    md.getSpec().setMonitoring(new MonitoringSpec());
    md.getSpec().getMonitoring().setReportIntervalSeconds(INTERVAL_SECONDS);
    // A window larger than all the rows sent, so status drift covers every row since the pods
    // started and the expected sample counts below are plain sums.
    md.getSpec().getMonitoring().setDrift(new io.modelship.api.v1alpha1.spec.DriftSpec());
    md.getSpec().getMonitoring().getDrift().setWindowSize(1_000_000);
    harness.client().resource(md).create();
    harness.awaitStatus(
        NS,
        "iris",
        m -> m.getStatus().getReadyReplicas() != null && m.getStatus().getReadyReplicas() == PODS);
    reportRound(30_000, 40_000, 30_000);
    harness.awaitStatus(
        NS,
        "iris",
        m ->
            m.getStatus().getDrift() != null
                && Long.valueOf(PODS * 100_000L).equals(m.getStatus().getDrift().getSamples())
                && m.getStatus().getDrift().getStatus() != DriftLevel.Alert);
  }

  @AfterEach
  void stop() {
    harness.close();
  }

  @Test
  void manyReportsWithinOneIntervalCostAtMostOneStatusWrite() throws Exception {
    harness.cluster.drainRequests();
    long start = System.nanoTime();
    long window = Duration.ofSeconds(INTERVAL_SECONDS).toNanos() * 8 / 10;
    int rounds = 0;
    while (System.nanoTime() - start < window - Duration.ofMillis(600).toNanos()) {
      rounds++;
      // Every round moves the sample counts, the scores and the Drifted message, never a verdict.
      reportRound(30_000 + 300L * rounds, 40_000 + 400L * rounds, 30_000 + 300L * rounds);
    }
    long left = window - (System.nanoTime() - start);
    Thread.sleep(Math.max(0, left / 1_000_000));
    long writes = statusWrites();
    assertThat(rounds).as("report rounds within the window").isGreaterThanOrEqualTo(3);
    assertThat(writes)
        .as("status writes while %d reports arrived within one interval", rounds * PODS)
        .isLessThanOrEqualTo(1);

    // Coalesced, not lost: the last figures show within the next interval.
    long samples = PODS * (100_000 + 1000L * rounds);
    var md =
        harness.awaitStatus(
            NS, "iris", m -> Long.valueOf(samples).equals(m.getStatus().getDrift().getSamples()));
    assertThat(OperatorHarness.conditionOf(md, "Drifted").orElseThrow().getMessage())
        .contains(samples + " samples");
  }

  @Test
  void aConditionThatFlipsIsWrittenAtOnce() throws Exception {
    // Right after a write, so figures alone would now wait a whole interval.
    reportRound(30_100, 40_100, 30_100);
    harness.awaitStatus(
        NS,
        "iris",
        m -> Long.valueOf(PODS * 100_300L).equals(m.getStatus().getDrift().getSamples()));
    long written = System.nanoTime();
    // One pod's inputs all fall in the first bin, swamping the others; its own window says Alert
    // too, which wakes the operator at once (new counts alone wait for the interval's reconcile).
    var skewed = report(10_000_000, 0, 0);
    skewed.setDriftStatus("Alert");
    Reports.write(harness.client(), NS, "iris", pod(0), skewed);
    await()
        .atMost(Duration.ofSeconds(INTERVAL_SECONDS / 2))
        .pollInterval(Duration.ofMillis(20))
        .until(
            () ->
                OperatorHarness.condition("Drifted", "True", "DriftAlert")
                    .test(harness.md(NS, "iris").get()));
    double seconds = (System.nanoTime() - written) / 1e9;
    assertThat(seconds)
        .as("seconds from the report to Drifted=True")
        .isLessThan(INTERVAL_SECONDS / 2.0);
  }

  private void reportRound(long a, long b, long c) {
    for (int i = 0; i < PODS; i++) {
      Reports.write(harness.client(), NS, "iris", pod(i), report(a, b, c));
    }
  }

  /** Accurate as in training, so only drift can raise an alert here. */
  private static io.modelship.api.v1alpha1.report.RuntimeReportSpec report(long a, long b, long c) {
    var report = Reports.report("1.0.0", 10, 0, a, b, c, Instant.now());
    report.setAccuracyCorrect(report.getAccuracyLabelled() * 95 / 100);
    report.setFeedbackCorrect(report.getFeedbackCount() * 95 / 100);
    return report;
  }

  private static String pod(int i) {
    return ServingNames.versionChildName("iris", "1.0.0") + "-pod-" + i;
  }

  private long statusWrites() {
    return harness.cluster.drainRequests().stream()
        .filter(r -> !"GET".equals(r.getMethod()))
        .filter(r -> r.getPath().contains("/modeldeployments/") && r.getPath().contains("/status"))
        .count();
  }
}
