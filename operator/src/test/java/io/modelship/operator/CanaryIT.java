package io.modelship.operator;

import static io.modelship.operator.harness.Steps.pause;
import static io.modelship.operator.harness.Steps.weight;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.modelship.api.v1alpha1.ModelDeployment;
import io.modelship.api.v1alpha1.report.RuntimeReportSpec;
import io.modelship.api.v1alpha1.spec.AnalysisSpec;
import io.modelship.api.v1alpha1.spec.CanaryStep;
import io.modelship.api.v1alpha1.status.Phase;
import io.modelship.api.v1alpha1.status.RolloutOutcome;
import io.modelship.operator.dependent.ServingNames;
import io.modelship.operator.harness.Manifests;
import io.modelship.operator.harness.OperatorHarness;
import io.modelship.operator.harness.Reports;
import io.modelship.operator.harness.RolloutCluster;
import io.modelship.operator.harness.TestClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Canary rollouts against the mock API, judged on simulated runtime reports: pods "serve" by
 * reports the test writes, and the operator's clock moves only when the test moves it.
 */
class CanaryIT {

  static final Duration INTERVAL = Duration.ofSeconds(30);
  @RegisterExtension static final RolloutCluster cluster = new RolloutCluster();
  static final TestClock clock = cluster.clock;

  static AnalysisSpec analysis(Consumer<AnalysisSpec> limits) {
    var a = new AnalysisSpec();
    a.setInterval("30s");
    a.setMinRequests(100L);
    a.setFailureLimit(2);
    limits.accept(a);
    return a;
  }

  /** A ModelDeployment serving 1.0.0 with 10 replicas and a canary rollout spec. */
  static void createStable(String ns, List<CanaryStep> steps, AnalysisSpec analysis) {
    var md = RolloutCluster.canary(ns, 10, steps);
    md.getSpec().getRollout().setAnalysis(analysis);
    cluster.createHealthy(md);
  }

  static void setVersion(String ns, String version) {
    cluster
        .harness()
        .editSpec(
            ns,
            "iris",
            spec -> {
              spec.getModel().setVersion(version);
              spec.getModel().setUri("https://models.example.com/iris/" + version + ".tar.gz");
            });
  }

  static int replicas(String ns, String version) {
    return cluster.replicas(ns, version);
  }

  /**
   * Cumulative counters per pod since it started, as the runtime keeps them: requests, errors,
   * three drift bins.
   */
  final Map<String, long[]> counters = new HashMap<>();

  /**
   * Every ready pod of {@code version} adds {@code requests} requests with {@code errors} errors,
   * all taking {@code latencyMs}, and bins {@code drift} rows (also its labelled feedback, all but
   * the last bin correct); reports carry the time the clock will show after {@link #nextInterval},
   * so none looks silent when the clock jumps.
   */
  void serve(
      String ns, String version, long requests, long errors, double latencyMs, long[] drift) {
    var pods =
        cluster
            .harness()
            .client()
            .pods()
            .inNamespace(ns)
            .withLabel("modelship.io/version", version)
            .list()
            .getItems();
    int live = replicas(ns, version);
    for (var pod : pods) {
      String name = pod.getMetadata().getName();
      int index = Integer.parseInt(name.substring(name.lastIndexOf('-') + 1));
      if (index >= live) {
        continue;
      }
      long[] c = counters.computeIfAbsent(name, k -> new long[5]);
      c[0] += requests;
      c[1] += errors;
      for (int i = 0; i < 3; i++) {
        c[2 + i] += drift[i];
      }
      RuntimeReportSpec report =
          Reports.report(version, c[0], c[1], c[2], c[3], c[4], clock.instant().plus(INTERVAL));
      report.setStartTime("2026-03-01T11:00:00Z");
      Reports.latency(report, c[0], latencyMs);
      report.setLatencyP99Ms(latencyMs);
      Reports.write(cluster.harness().client(), ns, "iris", name, report);
    }
    // Let the operator's informer see the reports before the clock makes a judgement due.
    try {
      Thread.sleep(300);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static final long[] NO_DRIFT = {30, 40, 30};

  /** Moves the clock one analysis interval and waits for the judgement it makes due. */
  static ModelDeployment nextInterval(String ns) {
    clock.advance(INTERVAL);
    String judged = clock.instant().toString().replace(".000", "");
    return cluster
        .harness()
        .awaitStatus(
            ns,
            "iris",
            m ->
                m.getStatus().getRollout() != null
                    && (m.getStatus().getRollout().getOutcome() != null
                        || (m.getStatus().getRollout().getAnalysis() != null
                            && judged.equals(
                                m.getStatus().getRollout().getAnalysis().getLastJudgedAt()))));
  }

  static List<String> events(String ns) {
    return cluster.harness().client().v1().events().inNamespace(ns).list().getItems().stream()
        .map(Event::getReason)
        .toList();
  }

  @Test
  void aGoodCanaryWalksTenFiftyHundredAndIsPromoted() {
    String ns = "good";
    createStable(
        ns,
        List.of(weight(10), weight(50), weight(100)),
        analysis(
            a -> {
              a.setMaxErrorRate(0.01);
              a.setMaxLatencyP99Ms(50.0);
            }));
    setVersion(ns, "2.0.0");
    var md =
        cluster
            .harness()
            .awaitStatus(
                ns,
                "iris",
                m ->
                    m.getStatus().getRollout() != null
                        && "2.0.0".equals(m.getStatus().getRollout().getVersion())
                        && Integer.valueOf(10)
                            .equals(m.getStatus().getRollout().getActualWeight()));
    assertThat(replicas(ns, "2.0.0")).isEqualTo(1);
    assertThat(replicas(ns, "1.0.0")).isEqualTo(9);
    assertThat(md.getStatus().getCanaryVersion()).isEqualTo("2.0.0");
    assertThat(md.getStatus().getCanaryWeight()).isEqualTo(10);

    List<Integer> weights = new ArrayList<>();
    for (int i = 0; i < 6 && md.getStatus().getPhase() != Phase.Healthy; i++) {
      weights.add(md.getStatus().getRollout().getDesiredWeight());
      serve(ns, "2.0.0", 200, 0, 20, NO_DRIFT);
      serve(ns, "1.0.0", 200, 0, 15, NO_DRIFT);
      md = nextInterval(ns);
      md =
          cluster
              .harness()
              .awaitStatus(
                  ns,
                  "iris",
                  m ->
                      m.getStatus().getPhase() == Phase.Healthy
                          || java.util.Objects.equals(
                              m.getStatus().getRollout().getActualWeight(),
                              m.getStatus().getRollout().getDesiredWeight()));
      if (md.getStatus().getRollout().getDesiredWeight() == 50) {
        assertThat(replicas(ns, "2.0.0")).isEqualTo(5);
        assertThat(replicas(ns, "1.0.0")).isEqualTo(5);
      }
    }
    md = cluster.harness().awaitStatus(ns, "iris", m -> m.getStatus().getPhase() == Phase.Healthy);
    assertThat(weights).containsSubsequence(10, 50, 100);
    assertThat(md.getStatus().getStableVersion()).isEqualTo("2.0.0");
    assertThat(md.getStatus().getCanaryVersion()).isNull();
    assertThat(md.getStatus().getRollout().getOutcome()).isEqualTo(RolloutOutcome.Promoted);
    assertThat(md.getStatus().getRollout().getAnalysis().getPassed()).isGreaterThanOrEqualTo(3);
    assertThat(md.getStatus().getHistory())
        .last()
        .satisfies(
            r -> {
              assertThat(r.getVersion()).isEqualTo("2.0.0");
              assertThat(r.getOutcome()).isEqualTo(RolloutOutcome.Promoted);
              assertThat(r.getUri()).isEqualTo("https://models.example.com/iris/2.0.0.tar.gz");
              assertThat(r.getSha256()).isEqualTo(Manifests.SHA);
            });
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> replicas(ns, "1.0.0") == 0 && replicas(ns, "2.0.0") == 10);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> events(ns).containsAll(List.of("StepAdvanced", "Promoted")));
  }

  static Stream<Arguments> badCanaries() {
    return Stream.of(
        // p99 is read from the latency buckets: 82 ms traffic reads as 98.4 ms, within its bucket
        // (78.9 to 98.6 ms).
        Arguments.of("slow", 0L, 82.0, NO_DRIFT, "p99 98.4 ms > 50 ms (2 of 2 failed)"),
        Arguments.of("failing", 20L, 20.0, NO_DRIFT, "error rate 0.1 > 0.01 (2 of 2 failed)"),
        // 400 rows an interval: above the default drift minSamples (300), so judged at once.
        Arguments.of("drifting", 0L, 20.0, new long[] {400, 0, 0}, "drift score"));
  }

  @ParameterizedTest(name = "{0} canary")
  @MethodSource("badCanaries")
  void aBadCanaryIsRolledBackWithTheValuesInTheMessage(
      String ns, long errors, double p99, long[] drift, String expected) {
    createStable(
        ns,
        List.of(weight(10), weight(50), weight(100)),
        analysis(
            a -> {
              a.setMaxErrorRate(0.01);
              a.setMaxLatencyP99Ms(50.0);
              a.setMaxDriftScore(0.25);
            }));
    setVersion(ns, "2.0.0");
    cluster
        .harness()
        .awaitStatus(
            ns,
            "iris",
            m ->
                m.getStatus().getRollout() != null
                    && Integer.valueOf(10).equals(m.getStatus().getRollout().getActualWeight()));
    ModelDeployment md = null;
    for (int i = 0; i < 4 && (md == null || md.getStatus().getPhase() != Phase.Degraded); i++) {
      serve(ns, "2.0.0", 200, errors, p99, drift);
      serve(ns, "1.0.0", 200, 0, 15, NO_DRIFT);
      md = nextInterval(ns);
    }
    md = cluster.harness().awaitStatus(ns, "iris", m -> m.getStatus().getPhase() == Phase.Degraded);
    assertThat(md.getStatus().getRollout().getOutcome()).isEqualTo(RolloutOutcome.RolledBack);
    assertThat(md.getStatus().getRollout().getAbortReason())
        .startsWith("rolled back 2.0.0 → 1.0.0 at step 1: ")
        .contains(expected);
    assertThat(OperatorHarness.conditionOf(md, "Progressing").orElseThrow().getMessage())
        .contains(expected)
        .contains("Set spec.model.version back to 1.0.0")
        .contains("retry");
    assertThat(md.getStatus().getHistory())
        .last()
        .extracting(r -> r.getOutcome())
        .isEqualTo(RolloutOutcome.RolledBack);
    assertThat(md.getStatus().getStableVersion()).isEqualTo("1.0.0");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> replicas(ns, "2.0.0") == 0 && replicas(ns, "1.0.0") == 10);
    await().atMost(Duration.ofSeconds(5)).until(() -> events(ns).contains("RolledBack"));
  }

  @Test
  void tooLittleTrafficWaitsAndSaysSo() {
    String ns = "quiet";
    createStable(ns, List.of(weight(10), weight(100)), analysis(a -> a.setMaxErrorRate(0.01)));
    setVersion(ns, "2.0.0");
    cluster
        .harness()
        .awaitStatus(
            ns,
            "iris",
            m ->
                m.getStatus().getRollout() != null
                    && Integer.valueOf(10).equals(m.getStatus().getRollout().getActualWeight()));
    serve(ns, "2.0.0", 12, 0, 5, NO_DRIFT);
    nextInterval(ns);
    var md =
        cluster
            .harness()
            .awaitStatus(
                ns, "iris", OperatorHarness.condition("Progressing", "True", "WaitingForTraffic"));
    assertThat(OperatorHarness.conditionOf(md, "Progressing").orElseThrow().getMessage())
        .contains("waiting for traffic: 12 of 100 requests in 30s");
    assertThat(md.getStatus().getRollout().getStepIndex()).isZero();
    assertThat(md.getStatus().getRollout().getAnalysis().getInconclusive()).isEqualTo(1);
    assertThat(md.getStatus().getPhase()).isEqualTo(Phase.Progressing);
  }

  @Test
  void anOperatorRestartedDuringAPauseResumesWithTheRemainingTime() {
    String ns = "restart";
    createStable(ns, List.of(weight(10), pause("10m"), weight(100)), null);
    setVersion(ns, "2.0.0");
    cluster.harness().awaitStatus(ns, "iris", m -> m.getStatus().getPhase() == Phase.Paused);
    clock.advance(Duration.ofMinutes(4));
    cluster
        .harness()
        .awaitStatus(ns, "iris", OperatorHarness.condition("Progressing", "True", "Paused"));
    cluster.harness().restart();
    clock.advance(Duration.ofSeconds(60));
    var md =
        cluster
            .harness()
            .awaitStatus(
                ns,
                "iris",
                m ->
                    OperatorHarness.conditionOf(m, "Progressing")
                        .map(c -> c.getMessage().contains("5m left"))
                        .orElse(false));
    assertThat(md.getStatus().getRollout().getStepIndex()).isEqualTo(1);
    clock.advance(Duration.ofMinutes(5));
    md = cluster.harness().awaitStatus(ns, "iris", m -> m.getStatus().getPhase() == Phase.Healthy);
    assertThat(md.getStatus().getStableVersion()).isEqualTo("2.0.0");
  }

  @Test
  void promoteAndAbortByAnnotationActOncePerToken() {
    String ns = "manual";
    createStable(ns, List.of(weight(10), pause(null), weight(50), pause(null)), null);
    setVersion(ns, "2.0.0");
    cluster.harness().awaitStatus(ns, "iris", m -> m.getStatus().getPhase() == Phase.Paused);
    // Replica ratio, no Gateway API: still a Service per version, where the labels for a version's
    // answers go (the Service iris sends to the pods of both, and a pod refuses the other's ids).
    for (String version : List.of("1.0.0", "2.0.0")) {
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThat(
                          cluster
                              .harness()
                              .client()
                              .services()
                              .inNamespace(ns)
                              .withName(ServingNames.versionChildName("iris", version))
                              .get())
                      .as("Service of " + version)
                      .isNotNull()
                      .satisfies(
                          svc ->
                              assertThat(svc.getSpec().getSelector())
                                  .containsEntry("modelship.io/version", version)));
    }
    cluster.harness().annotate(ns, "iris", "modelship.io/promote", "t1");
    var md =
        cluster
            .harness()
            .awaitStatus(
                ns,
                "iris",
                m -> Integer.valueOf(3).equals(m.getStatus().getRollout().getStepIndex()));
    assertThat(md.getStatus().getRollout().getHandledTokens().getPromote()).isEqualTo("t1");
    assertThat(md.getStatus().getPhase()).isEqualTo(Phase.Paused);
    cluster.harness().annotate(ns, "iris", "modelship.io/abort", "a1");
    md = cluster.harness().awaitStatus(ns, "iris", m -> m.getStatus().getPhase() == Phase.Degraded);
    assertThat(md.getStatus().getHistory())
        .last()
        .extracting(r -> r.getOutcome())
        .isEqualTo(RolloutOutcome.Aborted);
    assertThat(md.getMetadata().getAnnotations())
        .as("the operator never writes metadata")
        .containsEntry("modelship.io/abort", "a1");
    cluster.harness().annotate(ns, "iris", "modelship.io/retry", "r1");
    md = cluster.harness().awaitStatus(ns, "iris", m -> m.getStatus().getPhase() == Phase.Paused);
    assertThat(md.getStatus().getRollout().getStepIndex())
        .as("retried from the start")
        .isEqualTo(1);
  }
}
