package io.modelship.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.modelship.api.v1alpha1.ModelDeployment;
import io.modelship.api.v1alpha1.spec.MonitoringSpec;
import io.modelship.operator.dependent.ServingNames;
import io.modelship.operator.harness.Manifests;
import io.modelship.operator.harness.OperatorHarness;
import io.modelship.operator.harness.Reports;
import io.modelship.operator.harness.WideReports;
import io.modelship.operator.retraining.FullRetrainingStatus;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The contract's budget: the ModelDeployment status stays under 64 KiB with 100 pods of a
 * 200-feature model reporting, and with the fullest status.retraining the operator keeps (10 runs
 * with long trigger messages and reasons, 5 candidates) beside it.
 */
class StatusSizeIT {

  static final int PODS = 100;
  static final int FEATURES = 200;
  static final int STATUS_BUDGET_BYTES = 64 * 1024;

  static int statusBytes(ModelDeployment md) {
    return new KubernetesSerialization()
        .asJson(md.getStatus())
        .getBytes(StandardCharsets.UTF_8)
        .length;
  }

  @Test
  void statusOfAHundredPodsOfATwoHundredFeatureModelStaysUnder64KiB() throws Exception {
    try (var harness = new OperatorHarness(true)) {
      String ns = "wide";
      var md = Manifests.iris(ns, "iris", "1.0.0");
      md.getSpec().setReplicas(PODS);
      md.getSpec().setMonitoring(new MonitoringSpec());
      md.getSpec().getMonitoring().setReportIntervalSeconds(1);
      harness.client().resource(md).create();
      var created =
          harness.awaitStatus(
              ns,
              "iris",
              m ->
                  m.getStatus().getReadyReplicas() != null
                      && m.getStatus().getReadyReplicas() == PODS);
      WideReports.writeReference(harness.client(), created, "1.0.0", FEATURES);

      Instant now = Instant.now();
      try (var pool = Executors.newFixedThreadPool(8)) {
        List<Future<?>> writes =
            IntStream.range(0, PODS)
                .<Future<?>>mapToObj(
                    i ->
                        pool.submit(
                            () ->
                                Reports.write(
                                    harness.client(),
                                    ns,
                                    "iris",
                                    ServingNames.versionChildName("iris", "1.0.0") + "-pod-" + i,
                                    WideReports.counts("1.0.0", FEATURES, 100, 10_000L + i, now))))
                .toList();
        for (Future<?> write : writes) {
          write.get();
        }
      }

      long rows = (long) PODS * 100 * WideReports.BINS;
      var reported =
          harness.awaitStatus(
              ns,
              "iris",
              m ->
                  m.getStatus().getDrift() != null
                      && Long.valueOf(rows).equals(m.getStatus().getDrift().getSamples()));
      assertThat(reported.getStatus().getDrift().getFeatures())
          .as("every feature scored")
          .hasSize(FEATURES);
      int bytes = statusBytes(reported);
      System.out.printf(
          "ModelDeployment status with %d pods of a %d-feature model: %d bytes%n",
          PODS, FEATURES, bytes);
      assertThat(bytes).isLessThan(STATUS_BUDGET_BYTES);

      // The worst case adds the fullest status.retraining the operator keeps. The operator writes
      // it only with spec.retraining and after ten runs, so it is put beside the status the
      // operator wrote here rather than run ten Jobs.
      var status = reported.getStatus();
      status.setRetraining(
          FullRetrainingStatus.of(
              "1.0.0",
              IntStream.range(0, FEATURES).mapToObj(WideReports::feature).toList(),
              Instant.now()));
      assertThat(status.getRetraining().getRuns()).hasSize(10);
      assertThat(status.getRetraining().getCandidates()).hasSize(5);
      int retraining =
          new KubernetesSerialization()
              .asJson(status.getRetraining())
              .getBytes(StandardCharsets.UTF_8)
              .length;
      int withRetraining = statusBytes(reported);
      System.out.printf(
          "with the fullest status.retraining (%d bytes): %d bytes of %d%n",
          retraining, withRetraining, STATUS_BUDGET_BYTES);
      assertThat(withRetraining).isLessThan(STATUS_BUDGET_BYTES);
    }
  }
}
