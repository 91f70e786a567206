package io.modelship.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.modelship.local.cluster.LocalCluster;
import io.modelship.local.pods.ContainerImages;
import io.modelship.local.scenario.Scenario;
import io.modelship.local.scenario.ScenarioRunner;
import io.modelship.local.scenario.Verdict;
import io.modelship.local.traffic.TrafficGenerator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * {@code modelship-local --scenario retrain}, headless, pods as processes, against the real
 * operator installed from the chart: the traffic shifts, drift and the accuracy drop start a
 * retraining Job (run to completion by local mode), its candidate beats the serving version on the
 * recent rows, {@code kubectl modelship adopt} adopts it and the canary promotes it with analysis —
 * packages, labelled rows and the candidate on the embedded S3 store. Apart from {@code
 * ScenarioIT}, whose cases run on their own clusters too.
 */
@Tag("scenarios")
class RetrainScenarioIT {

  static final Path HOME =
      Path.of(System.getProperty("modelship.home", "..")).toAbsolutePath().normalize();

  @TempDir Path work;

  @Test
  @ResourceLock(value = ScenarioIT.CORES, mode = ResourceAccessMode.READ)
  void retrainsAdoptsAndPromotesTheCandidate() throws Exception {
    retrainScenario(LocalCluster.Pods.PROCESSES);
  }

  /**
   * The same with every pod a podman container of the runtime image, the retraining Job's too:
   * restricted as the operator writes it (read-only root, UID 65532, no capabilities), reaching the
   * embedded store and leaving its result at /dev/termination-log.
   */
  @Test
  // Alone: its containers' CPU is podman's, outside what was measured for running two at a time.
  @ResourceLock(value = ScenarioIT.CORES, mode = ResourceAccessMode.READ_WRITE)
  void retrainsInContainers() throws Exception {
    ContainerImages.requireRuntimeImage(HOME);
    retrainScenario(LocalCluster.Pods.CONTAINERS);
  }

  private void retrainScenario(LocalCluster.Pods pods) throws Exception {
    ByteArrayOutputStream view = new ByteArrayOutputStream();
    Verdict verdict;
    TrafficGenerator.Stats traffic;
    List<Job> jobs;
    long started = System.nanoTime();
    try (LocalCluster cluster = LocalCluster.start(new LocalCluster.Layout(HOME, work), 0, pods)) {
      ScenarioRunner runner =
          new ScenarioRunner(
              cluster,
              Scenario.RETRAIN,
              20,
              new PrintStream(view, true, StandardCharsets.UTF_8),
              false,
              Duration.ofMinutes(5));
      try {
        verdict = runner.run();
        traffic = runner.trafficStats().orElseThrow();
      } finally {
        runner.close();
      }
      jobs = cluster.client().batch().v1().jobs().inNamespace("ml").list().getItems();
    }
    System.out.printf(
        "scenario retrain (%s): %d s, %s%n",
        pods,
        Duration.ofNanos(System.nanoTime() - started).toSeconds(),
        ScenarioRunner.requestSummary(traffic));
    String shown = view.toString(StandardCharsets.UTF_8);
    assertThat(verdict.outcome())
        .as(verdict.message() + "\n" + shown.substring(Math.max(0, shown.length() - 6000)))
        .isEqualTo(Verdict.Outcome.SUCCEEDED);
    assertThat(verdict.message()).contains("promoted after the canary steps");
    assertThat(shown)
        .contains(
            "the world changes",
            "held-out recent rows (Better)",
            "$ kubectl modelship adopt iris",
            // two pods: labels that reached the other one were handed back, none lost (else the
            // verdict fails)
            "labels for 1.0.0's 2 pod(s): ",
            " 0 lost",
            "labelled rows kept in s3://models/iris/labelled/");
    assertThat(shown).doesNotContain("candidates in s3://models/iris/candidates/: 0");
    assertThat(jobs)
        .as("the retraining Job, run to completion by local mode")
        .hasSize(1)
        .allSatisfy(
            j -> {
              assertThat(j.getMetadata().getLabels()).containsKey("modelship.io/retraining");
              assertThat(j.getStatus().getSucceeded()).isEqualTo(1);
            });
    assertThat(traffic.failures().keySet())
        .as(ScenarioRunner.requestSummary(traffic))
        .noneMatch(reason -> reason.startsWith("HTTP "));
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> denied = new ArrayList<>();
    for (String line : Files.readAllLines(work.resolve("logs/audit.log"))) {
      JsonNode l = json.readTree(line);
      if (l.path("code").asInt() == 403) {
        denied.add(l);
      }
    }
    assertThat(denied).as("403s in the audit log: the chart's RBAC covers retraining").isEmpty();
  }
}
