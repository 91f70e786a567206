package io.modelship.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelship.api.v1alpha1.spec.MonitoringSpec;
import io.modelship.api.v1alpha1.status.DriftLevel;
import io.modelship.drift.DriftReport;
import io.modelship.drift.DriftThresholds;
import io.modelship.drift.Histogram;
import io.modelship.drift.ReferenceBins;
import io.modelship.operator.dependent.ServingNames;
import io.modelship.operator.harness.Manifests;
import io.modelship.operator.harness.OperatorHarness;
import io.modelship.operator.harness.Reports;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Pods report concurrently in their own RuntimeReports; the aggregate is exact and untrusted
 * reports are ignored.
 */
class ReportsIT {

  static final int PODS = 8;
  static OperatorHarness harness;

  @BeforeAll
  static void start() {
    harness = new OperatorHarness(true);
  }

  @AfterAll
  static void stop() {
    harness.close();
  }

  @Test
  void concurrentReportsAggregateExactly() throws Exception {
    String ns = "reports";
    var md = Manifests.iris(ns, "iris", "1.0.0");
    md.getSpec().setReplicas(PODS);
    md.getSpec().setMonitoring(new MonitoringSpec());
    // Figures alone are written at most once per interval: keep it short so the test is quick.
    md.getSpec().getMonitoring().setReportIntervalSeconds(2);
    harness.client().resource(md).create();
    harness.awaitStatus(
        ns,
        "iris",
        m -> m.getStatus().getReadyReplicas() != null && m.getStatus().getReadyReplicas() == PODS);

    Instant now = Instant.now();
    try (var pool = Executors.newFixedThreadPool(PODS)) {
      List<Future<?>> writes =
          IntStream.range(0, PODS)
              .<Future<?>>mapToObj(
                  i ->
                      pool.submit(
                          () -> {
                            try (var podClient = harness.cluster.newClient()) {
                              Reports.write(
                                  podClient,
                                  ns,
                                  "iris",
                                  ServingNames.versionChildName("iris", "1.0.0") + "-pod-" + i,
                                  Reports.report("1.0.0", 100 + i, i, 10 + i, 20, 5 * i, now));
                            }
                          }))
              .toList();
      for (Future<?> write : writes) {
        write.get();
      }
    }

    long a = IntStream.range(0, PODS).map(i -> 10 + i).sum();
    long b = 20L * PODS;
    long c = IntStream.range(0, PODS).map(i -> 5 * i).sum();
    var reference = new ReferenceBins(new double[] {1.0, 2.0}, new double[] {0.3, 0.4, 0.3});
    var expected =
        DriftReport.score(
            List.of("petal_length", "sepal_width"),
            List.of(reference, reference),
            List.of(Histogram.of(a, b, c), Histogram.of(c, b, a)),
            ReferenceBins.ofCategories(new double[] {0.5, 0.5}),
            Histogram.of(a + b, c),
            new DriftThresholds(0.1, 0.25));

    var status =
        harness
            .awaitStatus(
                ns,
                "iris",
                m ->
                    m.getStatus().getDrift() != null
                        && m.getStatus().getDrift().getSamples() == a + b + c)
            .getStatus();
    assertThat(status.getDrift().getScore())
        .isCloseTo(expected.score(), org.assertj.core.data.Offset.offset(1e-6));
    assertThat(status.getDrift().getStatus())
        .isEqualTo(DriftLevel.valueOf(expected.status().name()));
    assertThat(status.getDrift().getFeatures()).containsOnlyKeys("petal_length", "sepal_width");
    assertThat(status.getAccuracy().getSamples()).isEqualTo(a + b + c);
    assertThat(status.getAccuracy().getCurrent())
        .isCloseTo((double) (a + b) / (a + b + c), org.assertj.core.data.Offset.offset(1e-6));
    assertThat(status.getConditions())
        .anySatisfy(
            cond -> {
              assertThat(cond.getType()).isEqualTo("ModelLoaded");
              assertThat(cond.getStatus()).isEqualTo("True");
            });
  }

  @Test
  void reportsWithBadValuesFromUnknownPodsOrAnotherPackageAreIgnoredWithAnEvent() {
    String ns = "ignored";
    var md = Manifests.iris(ns, "iris", "1.0.0");
    md.getSpec().setReplicas(4);
    md.getSpec().setMonitoring(new MonitoringSpec());
    md.getSpec().getMonitoring().setReportIntervalSeconds(1);
    harness.client().resource(md).create();
    harness.awaitStatus(
        ns,
        "iris",
        m -> m.getStatus().getReadyReplicas() != null && m.getStatus().getReadyReplicas() == 4);

    Instant now = Instant.now();
    for (int i = 0; i < 2; i++) {
      var good = Reports.report("1.0.0", 10, 1, 1, 2, 3, now);
      good.setPackageSha256("aaaa");
      Reports.write(
          harness.client(),
          ns,
          "iris",
          ServingNames.versionChildName("iris", "1.0.0") + "-pod-" + i,
          good);
    }
    var otherPackage = Reports.report("1.0.0", 10, 1, 100, 100, 100, now);
    otherPackage.setPackageSha256("bbbb");
    Reports.write(
        harness.client(),
        ns,
        "iris",
        ServingNames.versionChildName("iris", "1.0.0") + "-pod-2",
        otherPackage);
    var badValues = Reports.report("1.0.0", 10, 1, 100, -5, 100, now);
    badValues.setPackageSha256("aaaa");
    Reports.write(
        harness.client(),
        ns,
        "iris",
        ServingNames.versionChildName("iris", "1.0.0") + "-pod-3",
        badValues);
    var ghost = Reports.report("1.0.0", 10, 1, 100, 100, 100, now);
    ghost.setPackageSha256("aaaa");
    Reports.write(harness.client(), ns, "iris", "ghost", "7f0c-not-a-pod", ghost);

    var status =
        harness
            .awaitStatus(
                ns,
                "iris",
                m ->
                    m.getStatus().getDrift() != null
                        && Long.valueOf(2 * (1 + 2 + 3))
                            .equals(m.getStatus().getDrift().getSamples()))
            .getStatus();
    // Over further intervals the ignored reports still do not count.
    org.awaitility.Awaitility.await()
        .during(java.time.Duration.ofSeconds(3))
        .atMost(java.time.Duration.ofSeconds(6))
        .until(
            () ->
                Long.valueOf(12)
                    .equals(
                        harness
                            .client()
                            .resources(io.modelship.api.v1alpha1.ModelDeployment.class)
                            .inNamespace(ns)
                            .withName("iris")
                            .get()
                            .getStatus()
                            .getDrift()
                            .getSamples()));
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              var messages =
                  harness.client().v1().events().inNamespace(ns).list().getItems().stream()
                      .filter(e -> "RuntimeReportIgnored".equals(e.getReason()))
                      .peek(e -> assertThat(e.getType()).isEqualTo("Warning"))
                      .map(io.fabric8.kubernetes.api.model.Event::getMessage)
                      .toList();
              assertThat(messages)
                  .anySatisfy(
                      m ->
                          assertThat(m)
                              .contains(
                                  "pod "
                                      + ServingNames.versionChildName("iris", "1.0.0")
                                      + "-pod-2")
                              .contains("sha256 bbbb"));
              assertThat(messages)
                  .anySatisfy(
                      m ->
                          assertThat(m)
                              .contains(
                                  "pod "
                                      + ServingNames.versionChildName("iris", "1.0.0")
                                      + "-pod-3")
                              .contains("negative"));
              assertThat(messages)
                  .anySatisfy(
                      m ->
                          assertThat(m)
                              .contains("pod ghost")
                              .contains("not owned by a live serving pod"));
              assertThat(messages).noneMatch(m -> m.contains("pod-0") || m.contains("pod-1"));
            });
    var ready =
        status.getConditions().stream()
            .filter(c -> "Ready".equals(c.getType()))
            .findFirst()
            .orElseThrow();
    assertThat(ready.getStatus()).as("ignored reports never fail the reconcile").isEqualTo("True");
  }

  /**
   * Any serving pod may patch any report of its namespace (RBAC cannot say "only your own"), but
   * only the pods of a ModelDeployment hold its report key: what a pod of another deployment
   * writes, or alters, in this one's reports is ignored with a Warning Event.
   */
  @Test
  void aPodOfAnotherDeploymentCannotForgeOrAlterThisDeploymentsReports() {
    String ns = "forgery";
    var victim = Manifests.iris(ns, "iris", "1.0.0");
    victim.getSpec().setReplicas(3);
    victim.getSpec().setMonitoring(new MonitoringSpec());
    victim.getSpec().getMonitoring().setReportIntervalSeconds(1);
    harness.client().resource(victim).create();
    harness.client().resource(Manifests.iris(ns, "recommender", "1.0.0")).create();
    harness.awaitStatus(
        ns,
        "iris",
        m -> m.getStatus().getReadyReplicas() != null && m.getStatus().getReadyReplicas() == 3);
    harness.awaitStatus(ns, "recommender", m -> m.getStatus().getReadyReplicas() != null);
    String pod = ServingNames.versionChildName("iris", "1.0.0") + "-pod-";
    byte[] attackerKey = Reports.key(harness.client(), ns, "recommender");
    Instant now = Instant.now();

    var honest = Reports.report("1.0.0", 10, 0, 1, 2, 3, now);
    Reports.write(harness.client(), ns, "iris", pod + "0", honest);
    Reports.write(
        harness.client(), ns, "iris", pod + "2", Reports.report("1.0.0", 10, 0, 1, 2, 3, now));
    // The attacker signs what it writes into iris's report with the only key it has: its own.
    var forged = Reports.report("1.0.0", 1000, 900, 100, 100, 100, now);
    var owner = harness.client().pods().inNamespace(ns).withName(pod + "1").get();
    Reports.write(
        harness.client(), ns, "iris", pod + "1", owner.getMetadata().getUid(), forged, attackerKey);
    harness.awaitStatus(
        ns,
        "iris",
        m ->
            m.getStatus().getDrift() != null
                && Long.valueOf(2 * (1 + 2 + 3)).equals(m.getStatus().getDrift().getSamples()));
    // ...and alters an honest report in place, keeping the signature it cannot recompute.
    harness
        .client()
        .resources(io.modelship.api.v1alpha1.RuntimeReport.class)
        .inNamespace(ns)
        .withName(pod + "0")
        .edit(
            r -> {
              r.getSpec().setErrorCount(10L);
              r.getSpec()
                  .setFeatures(Reports.report("1.0.0", 10, 10, 100, 100, 100, now).getFeatures());
              return r;
            });

    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              var messages =
                  harness.client().v1().events().inNamespace(ns).list().getItems().stream()
                      .filter(
                          e ->
                              "RuntimeReportIgnored".equals(e.getReason())
                                  && "iris".equals(e.getInvolvedObject().getName()))
                      .peek(e -> assertThat(e.getType()).isEqualTo("Warning"))
                      .map(io.fabric8.kubernetes.api.model.Event::getMessage)
                      .toList();
              assertThat(messages)
                  .anySatisfy(
                      m ->
                          assertThat(m)
                              .contains("pod " + pod + "1")
                              .contains("signature does not match"));
              assertThat(messages)
                  .anySatisfy(
                      m ->
                          assertThat(m)
                              .contains("pod " + pod + "0")
                              .contains("signature does not match"));
            });
    // What pod-0 honestly reported before stays counted; the forged and altered rows (300 each)
    // never are.
    org.awaitility.Awaitility.await()
        .during(java.time.Duration.ofSeconds(3))
        .atMost(java.time.Duration.ofSeconds(8))
        .until(
            () ->
                harness.md(ns, "iris").get().getStatus().getDrift().getSamples()
                    <= 2 * (1 + 2 + 3));
    assertThat(harness.md(ns, "iris").get().getStatus().getConditions())
        .filteredOn(c -> "Ready".equals(c.getType()))
        .singleElement()
        .satisfies(c -> assertThat(c.getStatus()).isEqualTo("True"));
  }

  @Test
  void aDeletedPackageReferenceIsPutBackWhilePodsReportIt() {
    String ns = "reference";
    var md = Manifests.iris(ns, "iris", "1.0.0");
    md.getSpec().setReplicas(2);
    md.getSpec().setMonitoring(new MonitoringSpec());
    md.getSpec().getMonitoring().setReportIntervalSeconds(1);
    harness.client().resource(md).create();
    var created =
        harness.awaitStatus(
            ns,
            "iris",
            m -> m.getStatus().getReadyReplicas() != null && m.getStatus().getReadyReplicas() == 2);
    io.modelship.operator.harness.WideReports.writeReference(harness.client(), created, "1.0.0", 3);
    String name =
        io.modelship.api.v1alpha1.ModelPackageReference.name(
            "iris", io.modelship.operator.harness.WideReports.SHA256);
    var references =
        harness
            .client()
            .resources(io.modelship.api.v1alpha1.ModelPackageReference.class)
            .inNamespace(ns);
    for (int i = 0; i < 2; i++) {
      Reports.write(
          harness.client(),
          ns,
          "iris",
          ServingNames.versionChildName("iris", "1.0.0") + "-pod-" + i,
          io.modelship.operator.harness.WideReports.counts("1.0.0", 3, 30, 100, Instant.now()));
    }
    // Counts only: scored at all only because the reference completes them.
    harness.awaitStatus(
        ns, "iris", m -> Long.valueOf(2 * 300).equals(m.getStatus().getDrift().getSamples()));
    var original = references.withName(name).get();
    assertThat(
            harness
                .client()
                .resources(io.modelship.api.v1alpha1.RuntimeReport.class)
                .inNamespace(ns)
                .list()
                .getItems())
        .as("the RuntimeReports are the pods' only: the reference is a kind of its own")
        .extracting(r -> r.getMetadata().getName())
        .containsExactlyInAnyOrder(
            ServingNames.versionChildName("iris", "1.0.0") + "-pod-0",
            ServingNames.versionChildName("iris", "1.0.0") + "-pod-1");

    references.withName(name).delete();
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              var back = references.withName(name).get();
              assertThat(back).as("reference " + name + " recreated").isNotNull();
              assertThat(back.getMetadata().getUid()).isNotEqualTo(original.getMetadata().getUid());
              assertThat(io.fabric8.kubernetes.client.utils.Serialization.asJson(back.getSpec()))
                  .isEqualTo(
                      io.fabric8.kubernetes.client.utils.Serialization.asJson(original.getSpec()));
              assertThat(back.getMetadata().getOwnerReferences())
                  .singleElement()
                  .satisfies(o -> assertThat(o.getUid()).isEqualTo(created.getMetadata().getUid()));
            });
    // Drift is still scored from counts-only reports.
    for (int i = 0; i < 2; i++) {
      Reports.write(
          harness.client(),
          ns,
          "iris",
          ServingNames.versionChildName("iris", "1.0.0") + "-pod-" + i,
          io.modelship.operator.harness.WideReports.counts("1.0.0", 3, 40, 200, Instant.now()));
    }
    harness.awaitStatus(
        ns, "iris", m -> Long.valueOf(2 * 400).equals(m.getStatus().getDrift().getSamples()));
  }

  /**
   * Another deployment's pod rewrites the package's bins: the operator drops the altered object and
   * puts back the signed one.
   */
  @Test
  void anAlteredPackageReferenceIsReplacedByTheLastSignedCopy() {
    String ns = "altered-reference";
    var md = Manifests.iris(ns, "iris", "1.0.0");
    md.getSpec().setReplicas(2);
    md.getSpec().setMonitoring(new MonitoringSpec());
    md.getSpec().getMonitoring().setReportIntervalSeconds(1);
    harness.client().resource(md).create();
    var created =
        harness.awaitStatus(
            ns,
            "iris",
            m -> m.getStatus().getReadyReplicas() != null && m.getStatus().getReadyReplicas() == 2);
    io.modelship.operator.harness.WideReports.writeReference(harness.client(), created, "1.0.0", 3);
    String name =
        io.modelship.api.v1alpha1.ModelPackageReference.name(
            "iris", io.modelship.operator.harness.WideReports.SHA256);
    var references =
        harness
            .client()
            .resources(io.modelship.api.v1alpha1.ModelPackageReference.class)
            .inNamespace(ns);
    for (int i = 0; i < 2; i++) {
      Reports.write(
          harness.client(),
          ns,
          "iris",
          ServingNames.versionChildName("iris", "1.0.0") + "-pod-" + i,
          io.modelship.operator.harness.WideReports.counts("1.0.0", 3, 30, 100, Instant.now()));
    }
    harness.awaitStatus(
        ns, "iris", m -> Long.valueOf(2 * 300).equals(m.getStatus().getDrift().getSamples()));
    var original = references.withName(name).get();

    references
        .withName(name)
        .edit(
            r -> {
              r.getSpec().getPrediction().setReference(List.of(0.98, 0.01, 0.01));
              return r;
            });
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              var back = references.withName(name).get();
              assertThat(back).isNotNull();
              assertThat(io.fabric8.kubernetes.client.utils.Serialization.asJson(back.getSpec()))
                  .as("the signed copy, not the altered bins")
                  .isEqualTo(
                      io.fabric8.kubernetes.client.utils.Serialization.asJson(original.getSpec()));
            });
  }

  @Test
  void aRegressorsErrorFromAllPodsIsInTheStatusWithItsBaseline() {
    String ns = "regression";
    var md = Manifests.iris(ns, "iris", "1.0.0");
    md.getSpec().setReplicas(3);
    md.getSpec().setMonitoring(new MonitoringSpec());
    md.getSpec().getMonitoring().setReportIntervalSeconds(1);
    harness.client().resource(md).create();
    harness.awaitStatus(
        ns,
        "iris",
        m -> m.getStatus().getReadyReplicas() != null && m.getStatus().getReadyReplicas() == 3);
    String pod = ServingNames.versionChildName("iris", "1.0.0") + "-pod-";
    int minSamples = DriftThresholds.DEFAULT_ACCURACY_MIN_SAMPLES;

    // 3 pods x 40 feedbacks: below minSamples, so figures but no verdict. |error| 2, 3, 4 per pod.
    for (int i = 0; i < 3; i++) {
      Reports.write(
          harness.client(),
          ns,
          "iris",
          pod + i,
          regression(40, 40 * (2.0 + i), 40 * (2.0 + i) * (2.0 + i)));
    }
    var status =
        harness
            .awaitStatus(
                ns,
                "iris",
                m ->
                    m.getStatus().getRegressionError() != null
                        && m.getStatus().getRegressionError().getSamples() == 120)
            .getStatus();
    var error = status.getRegressionError();
    assertThat(error.getMae()).isCloseTo(3.0, org.assertj.core.data.Offset.offset(1e-6));
    assertThat(error.getRmse())
        .isCloseTo(Math.sqrt((4.0 + 9 + 16) / 3), org.assertj.core.data.Offset.offset(1e-6));
    assertThat(error.getBaselineMae()).isEqualTo(3.0);
    assertThat(error.getBaselineRmse()).isEqualTo(3.5);
    assertThat(error.getChange()).isEqualTo(0.0);
    assertThat(error.getMinSamples()).isEqualTo(minSamples);
    assertThat(error.getStatus()).isEqualTo(DriftLevel.InsufficientData);
    assertThat(status.getAccuracy()).as("a regressor has no accuracy").isNull();

    // Cumulative counts grow: pod 2 now has 200 feedbacks at |error| 6, the MAE doubles: Alert and
    // Drifted.
    Reports.write(harness.client(), ns, "iris", pod + 2, regression(200, 200 * 6.0, 200 * 36.0));
    status =
        harness
            .awaitStatus(
                ns,
                "iris",
                m ->
                    m.getStatus().getRegressionError() != null
                        && m.getStatus().getRegressionError().getSamples() == 280)
            .getStatus();
    error = status.getRegressionError();
    double mae = (40 * 2.0 + 40 * 3.0 + 200 * 6.0) / 280;
    assertThat(error.getMae()).isCloseTo(mae, org.assertj.core.data.Offset.offset(1e-6));
    assertThat(error.getChange())
        .isCloseTo((mae - 3.0) / 3.0, org.assertj.core.data.Offset.offset(1e-6));
    assertThat(error.getStatus()).isEqualTo(DriftLevel.Alert);
    assertThat(status.getConditions())
        .anySatisfy(
            cond -> {
              assertThat(cond.getType()).isEqualTo("Drifted");
              assertThat(cond.getStatus()).isEqualTo("True");
              assertThat(cond.getReason()).isEqualTo("ErrorChange");
              assertThat(cond.getMessage())
                  .contains("Live MAE 5")
                  .contains("away from the training MAE 3");
            });
  }

  /** A regressor's report: drift counts as for any model, no accuracy, cumulative error sums. */
  private static io.modelship.api.v1alpha1.report.RuntimeReportSpec regression(
      long count, double absolute, double squared) {
    var report = Reports.report("1.0.0", 100, 0, 1, 2, 3, Instant.now());
    report.setAccuracyBaseline(null);
    report.setAccuracyLabelled(null);
    report.setAccuracyCorrect(null);
    report.setFeedbackCount(null);
    report.setFeedbackCorrect(null);
    report.setErrorBaselineMae(3.0);
    report.setErrorBaselineRmse(3.5);
    report.setErrorFeedbackCount(count);
    report.setAbsoluteErrorSum(absolute);
    report.setSquaredErrorSum(squared);
    return report;
  }
}
