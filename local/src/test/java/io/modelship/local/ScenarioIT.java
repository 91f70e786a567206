package io.modelship.local;

import io.modelship.local.cluster.LocalCluster;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.modelship.local.autoscale.HorizontalPodAutoscalerController;
import io.modelship.local.pods.ContainerImages;
import io.modelship.local.pods.PodmanContainers;
import io.modelship.local.scenario.Scenario;
import io.modelship.local.scenario.ScenarioRunner;
import io.modelship.local.scenario.Verdict;
import io.modelship.local.traffic.TrafficGenerator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The scenarios of {@code modelship-local --scenario …}, headless, against the real operator: each
 * on its own cluster (its own API, operator and pods), so one scenario's leftovers cannot decide
 * another's outcome. The rolling update is {@link LocalModeIT}'s (same manifest, driven by kubectl).
 * The canary runs twice: with pods as processes, and as containers of the runtime image
 * ({@code --pods containers}, built by {@code images/build.sh} when missing; on CI it must run).
 */
class ScenarioIT {

  static final Path HOME = Path.of(System.getProperty("modelship.home", "..")).toAbsolutePath().normalize();

  @TempDir Path work;

  @ParameterizedTest
  @EnumSource(value = Scenario.class, names = {"CANARY", "BLUEGREEN", "S3"})
  void endsAsItShould(Scenario scenario) throws Exception {
    run(scenario);
  }

  @Test
  void rollbackEndsRolledBack() throws Exception {
    run(Scenario.ROLLBACK);
  }

  /** The canary with every pod a container of the runtime image; afterwards no container of the run is left. */
  @Test
  void canaryInContainers() throws Exception {
    ContainerImages.requireRuntimeImage(HOME);
    String prefix = run(Scenario.CANARY, LocalCluster.Pods.CONTAINERS);
    assertThat(ContainerImages.containersNamed(prefix)).as("containers of run " + prefix + " left behind").isEmpty();
  }

  /**
   * {@code --scenario autoscale}: the HPA the operator wrote is scaled out by local mode's
   * controller when the traffic rises and back in when it falls (30 s scale-down stabilization, as
   * the scenario runs it), with the HPA's status and Events saying so, and no request lost.
   */
  @Test
  void autoscaleScalesOutAndBackIn() throws Exception {
    ByteArrayOutputStream view = new ByteArrayOutputStream();
    Verdict verdict;
    TrafficGenerator.Stats traffic;
    List<String> rescales;
    HorizontalPodAutoscaler hpa;
    long started = System.nanoTime();
    var settings = HorizontalPodAutoscalerController.Settings.defaults().withDownscaleStabilization(Duration.ofSeconds(30));
    try (LocalCluster cluster = LocalCluster.start(new LocalCluster.Layout(HOME, work), 0, LocalCluster.Pods.PROCESSES,
        settings)) {
      ScenarioRunner runner = new ScenarioRunner(cluster, Scenario.AUTOSCALE, 20, new PrintStream(view, true,
          StandardCharsets.UTF_8), false, Duration.ofMinutes(6));
      try {
        verdict = runner.run();
        traffic = runner.trafficStats().orElseThrow();
      } finally {
        runner.close();
      }
      hpa = cluster.client().autoscaling().v2().horizontalPodAutoscalers().inNamespace("ml").withName("iris").get();
      rescales = cluster.client().v1().events().inNamespace("ml").list().getItems().stream()
          .filter(e -> "HorizontalPodAutoscaler".equals(e.getInvolvedObject().getKind()))
          .filter(e -> "SuccessfulRescale".equals(e.getReason())).map(e -> e.getMessage()).toList();
    }
    System.out.printf("scenario autoscale: %d s, %s%n", Duration.ofNanos(System.nanoTime() - started).toSeconds(),
        ScenarioRunner.requestSummary(traffic));
    String shown = view.toString(StandardCharsets.UTF_8);
    assertThat(verdict.outcome()).as(verdict.message() + "\n" + shown.substring(Math.max(0, shown.length() - 4000)))
        .isEqualTo(Verdict.Outcome.SUCCEEDED);
    assertThat(verdict.message()).contains("scaled iris out from 1 to").endsWith("back to 1 as it fell");
    // The HPA's own record: scaled out because requests per second rose, back in because all metrics fell.
    assertThat(rescales).as(String.valueOf(rescales)).anyMatch(m -> m.matches(
        "New size: [23]; reason: pods metric modelship_requests_per_second above target"));
    assertThat(rescales).anyMatch(m -> m.equals("New size: 1; reason: All metrics below target"));
    // currentReplicas is what the last sync saw before it scaled (2 right after the scale-in), as in a cluster
    assertThat(hpa.getStatus().getDesiredReplicas()).isEqualTo(1);
    assertThat(hpa.getStatus().getCurrentMetrics()).extracting(m -> m.getType()).contains("Pods", "Resource");
    assertThat(hpa.getStatus().getConditions()).anyMatch(c -> c.getType().equals("ScalingActive")
        && c.getStatus().equals("True") && c.getReason().equals("ValidMetricFound"));
    // Shown live: the HPA's line with its metrics against their targets.
    assertThat(shown).containsPattern(
        "Autoscaler: iris-[0-9a-z-]+ 1 → [23] pods \\(min 1, max 3\\), cpu [0-9?]+%?/80%, modelship_requests_per_second [0-9m]+/10");
    String requests = ScenarioRunner.requestSummary(traffic);
    assertThat(traffic.failures().keySet()).as(requests).noneMatch(reason -> reason.startsWith("HTTP "));
    assertThat(traffic.failed()).as(requests).isLessThanOrEqualTo(Math.max(2, traffic.sent() / 500));
  }

  private void run(Scenario scenario) throws Exception {
    run(scenario, LocalCluster.Pods.PROCESSES);
  }

  /** Runs {@code scenario} and checks its ending; returns the run's container name prefix (containers only). */
  private String run(Scenario scenario, LocalCluster.Pods pods) throws Exception {
    ByteArrayOutputStream view = new ByteArrayOutputStream();
    Verdict verdict;
    TrafficGenerator.Stats traffic;
    String prefix = null;
    long started = System.nanoTime();
    try (LocalCluster cluster = LocalCluster.start(new LocalCluster.Layout(HOME, work), 0, pods)) {
      if (cluster.containers() instanceof PodmanContainers podman) {
        prefix = podman.runId();
      }
      ScenarioRunner runner = new ScenarioRunner(cluster, scenario, 20, new PrintStream(view, true,
          StandardCharsets.UTF_8), false, Duration.ofMinutes(6));
      try {
        verdict = runner.run();
        traffic = runner.trafficStats().orElseThrow();
      } finally {
        runner.close();
      }
    }
    System.out.printf("scenario %s with pods as %s: %d s, %s%n", scenario.cliName(), pods.name().toLowerCase(),
        Duration.ofNanos(System.nanoTime() - started).toSeconds(), ScenarioRunner.requestSummary(traffic));
    String shown = view.toString(StandardCharsets.UTF_8);
    assertThat(verdict.outcome()).as(verdict.message() + "\n" + shown.substring(Math.max(0, shown.length() - 4000)))
        .isEqualTo(Verdict.Outcome.SUCCEEDED);
    // The live view is the plugin's `get --watch` view.
    assertThat(shown).contains("Name:     ml/iris", "Replicas:");
    // A rollout in a cluster loses no request: pods get weight only once ready, and drain before
    // they stop. So no request is answered with an error; of the client's own timeouts a busy
    // 2-core machine may cause a handful (at most 0.2% of the requests).
    String requests = ScenarioRunner.requestSummary(traffic);
    assertThat(traffic.ok()).as(requests).isGreaterThan(500);
    assertThat(traffic.failures().keySet()).as(requests).noneMatch(reason -> reason.startsWith("HTTP "));
    assertThat(traffic.failed()).as(requests).isLessThanOrEqualTo(Math.max(2, traffic.sent() / 500));
    String last = shown.substring(shown.lastIndexOf("Name:     ml/iris"));
    String serving = scenario == Scenario.ROLLBACK ? Scenario.STABLE_VERSION : scenario.newVersion();
    // Two replicas: the Ready message counts the serving version's pods, not the old ones still stopping.
    assertThat(last).as(last).contains("Version " + serving + " serves with 2 ready pods");
    switch (scenario) {
      case ROLLBACK -> assertThat(verdict.message()).contains("rolled back to 1.0.0")
          .containsPattern("\\d\\.\\d+ [a-z ]*> \\d"); // the measured value against its threshold
      case CANARY -> assertThat(shown).contains("Analysis: ", "✓ 1  setWeight 10");
      // both versions' packages came from the embedded S3 store, through the Secret's credentials
      case S3 -> assertThat(shown).contains("s3://models/iris/1.0.0.tar.gz and 2.0.0.tar.gz uploaded",
          "labelled rows kept in s3://models/iris/labelled/");
      default -> assertThat(verdict.message()).contains("2.0.0");
    }
    return prefix;
  }
}
