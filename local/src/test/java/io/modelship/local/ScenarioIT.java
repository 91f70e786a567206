package io.modelship.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.modelship.local.autoscale.HorizontalPodAutoscalerController;
import io.modelship.local.cluster.ChartInstall;
import io.modelship.local.cluster.LocalCluster;
import io.modelship.local.pods.ContainerImages;
import io.modelship.local.pods.PodmanContainers;
import io.modelship.local.scenario.Scenario;
import io.modelship.local.scenario.ScenarioRunner;
import io.modelship.local.scenario.Verdict;
import io.modelship.local.traffic.TrafficGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The scenarios of {@code modelship-local --scenario …}, headless, against the real operator: each
 * on its own cluster (its own API, operator and pods), so one scenario's leftovers cannot decide
 * another's outcome. The rolling update is {@link LocalModeIT}'s (same manifest, driven by
 * kubectl). The canary runs twice: with pods as processes in namespaced mode ({@link
 * #namespacedModeReconcilesOnlyItsNamespaces}), and as containers of the runtime image with the
 * chart's cluster-wide install ({@code --pods containers}, built by {@code images/build.sh} when
 * missing; on CI it must run); blue-green, rollback and S3 run with pods as processes and the
 * cluster-wide install. Timings are the examples' own (analysis, pauses, report interval); only the
 * autoscale test runs the HPA controller faster than its defaults, as a cluster admin may. Tagged
 * {@code scenarios}: the build runs these two at a time, after the module's other tests (see
 * local/pom.xml), so no state may be shared between them.
 */
@Tag("scenarios")
class ScenarioIT {

  static final Path HOME =
      Path.of(System.getProperty("modelship.home", "..")).toAbsolutePath().normalize();

  /** Shared by the tests that may run two at a time, held alone by the one that may not. */
  static final String CORES = "the machine's cores";

  @TempDir Path work;

  @ParameterizedTest
  @EnumSource(
      value = Scenario.class,
      names = {"BLUEGREEN", "S3"})
  @ResourceLock(value = CORES, mode = ResourceAccessMode.READ)
  void endsAsItShould(Scenario scenario) throws Exception {
    run(scenario);
  }

  /**
   * The rollback; then, on its cluster (the check needs no fresh one), the enforcement is shown
   * real ({@link #withoutOneRuleOfTheClusterRoleNothingIsRecorded}).
   */
  @Test
  @ResourceLock(value = CORES, mode = ResourceAccessMode.READ)
  void rollbackEndsRolledBack() throws Exception {
    run(
        Scenario.ROLLBACK,
        LocalCluster.Pods.PROCESSES,
        LocalCluster.Install.DEFAULT,
        cluster -> {},
        ScenarioIT::withoutOneRuleOfTheClusterRoleNothingIsRecorded);
  }

  /**
   * The enforcement is real: with the rule that lets the operator patch {@code
   * modeldeployments/status} taken out of the chart's ClusterRole (as {@code kubectl edit
   * clusterrole} would), iris put back to 1.0.0 never turns Healthy, since the operator cannot
   * record it, and the audit log's 403 names that verb and resource for the operator's
   * ServiceAccount. The status write is the operator's first request after the change, so the
   * refusal is there within seconds.
   */
  private static void withoutOneRuleOfTheClusterRoleNothingIsRecorded(LocalCluster cluster)
      throws Exception {
    var client = cluster.client();
    List<ClusterRole> chartRoles =
        cluster.chart().applied().stream()
            .filter(ClusterRole.class::isInstance)
            .map(o -> client.rbac().clusterRoles().withName(o.getMetadata().getName()).get())
            .toList();
    assertThat(chartRoles).as("the chart's ClusterRoles").isNotEmpty();
    for (ClusterRole role : chartRoles) {
      var kept =
          role.getRules().stream()
              .filter(r -> !r.getResources().equals(List.of("modeldeployments/status")))
              .toList();
      assertThat(kept)
          .as("the chart's ClusterRole has a rule for modeldeployments/status")
          .hasSize(role.getRules().size() - 1);
      client
          .rbac()
          .clusterRoles()
          .resource(new ClusterRoleBuilder(role).withRules(kept).build())
          .update();
    }
    String manifest =
        Files.readString(HOME.resolve("examples/local").resolve(Scenario.ROLLBACK.manifest()));
    JsonNode spec = new YAMLMapper().readTree(manifest).path("spec");
    var md =
        client
            .genericKubernetesResources(MODEL_DEPLOYMENTS)
            .inNamespace(ScenarioRunner.NAMESPACE)
            .withName(ScenarioRunner.NAME);
    long generation =
        md.patch(
                PatchContext.of(PatchType.JSON_MERGE),
                new ObjectMapper().createObjectNode().set("spec", spec).toString())
            .getMetadata()
            .getGeneration();
    Predicate<JsonNode> statusPatchRefused =
        line ->
            line.path("verb").asText().equals("patch")
                && line.path("apiGroup").asText().equals("modelship.io")
                && line.path("resource").asText().equals("modeldeployments/status")
                && line.path("namespace").asText().equals(ScenarioRunner.NAMESPACE)
                && line.path("name").asText().equals(ScenarioRunner.NAME);
    Path log = cluster.layout().logs().resolve("audit.log");
    await("the operator's status write refused")
        .atMost(Duration.ofMinutes(1))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> denied(log).stream().anyMatch(statusPatchRefused));
    JsonNode after = new ObjectMapper().valueToTree(md.get());
    assertThat(Verdict.stableUp(after))
        .as("iris Healthy on 1.0.0: %s", after.path("status"))
        .isFalse();
    assertThat(after.path("status").path("observedGeneration").asLong())
        .as("the generation the operator recorded")
        .isLessThan(generation);
    // Every refusal is the operator's, and among them the status patch the missing rule allowed.
    assertThat(denied(log))
        .as("403s in the audit log")
        .allSatisfy(line -> assertThat(line.path("user").asText()).isEqualTo(OPERATOR))
        .anyMatch(statusPatchRefused);
  }

  /**
   * The canary with every pod a container of the runtime image; afterwards no container of the run
   * is left.
   */
  @Test
  // Alone: its containers' CPU is podman's, outside what was measured for running two at a time.
  // Not JUnit's global lock: that would run the whole class one test at a time.
  @ResourceLock(value = CORES, mode = ResourceAccessMode.READ_WRITE)
  void canaryInContainers() throws Exception {
    ContainerImages.requireRuntimeImage(HOME);
    String prefix = run(Scenario.CANARY, LocalCluster.Pods.CONTAINERS);
    assertThat(ContainerImages.containersNamed(prefix))
        .as("containers of run " + prefix + " left behind")
        .isEmpty();
  }

  /**
   * {@code --scenario autoscale}: during a canary (weight 50, paused), the HPA the operator wrote
   * is scaled out by local mode's controller on the stable side when the traffic rises and back in
   * when it falls, the canary beside it at ceil(50 % × stable) pods; then the canary is promoted
   * and the HPA scales the new version. The scale-in within the run comes from the example's {@code
   * behavior.scaleDown.stabilizationWindowSeconds: 30}, through the HPA's spec.behavior (the
   * controller's own default stays a cluster's 5 minutes). The controller syncs every 5 s here
   * ({@code --hpa-sync-period 5s}; the scenario's default is 15 s), each rate held two sync
   * periods. The HPA's status and Events say so, and no request is lost.
   */
  @Test
  @ResourceLock(value = CORES, mode = ResourceAccessMode.READ)
  void autoscaleScalesOutAndBackIn() throws Exception {
    ByteArrayOutputStream view = new ByteArrayOutputStream();
    Verdict verdict;
    TrafficGenerator.Stats traffic;
    List<String> rescales;
    HorizontalPodAutoscaler hpa;
    long started = System.nanoTime();
    var settings =
        HorizontalPodAutoscalerController.Settings.defaults().withSyncPeriod(HPA_SYNC_PERIOD);
    try (LocalCluster cluster =
        LocalCluster.start(
            new LocalCluster.Layout(HOME, work), 0, LocalCluster.Pods.PROCESSES, settings)) {
      ScenarioRunner runner =
          new ScenarioRunner(
              cluster,
              Scenario.AUTOSCALE,
              20,
              new PrintStream(view, true, StandardCharsets.UTF_8),
              false,
              Duration.ofMinutes(6));
      try {
        verdict = runner.run();
        traffic = runner.trafficStats().orElseThrow();
      } finally {
        runner.close();
      }
      hpa =
          cluster
              .client()
              .autoscaling()
              .v2()
              .horizontalPodAutoscalers()
              .inNamespace("ml")
              .withName("iris")
              .get();
      rescales =
          cluster.client().v1().events().inNamespace("ml").list().getItems().stream()
              .filter(e -> "HorizontalPodAutoscaler".equals(e.getInvolvedObject().getKind()))
              .filter(e -> "SuccessfulRescale".equals(e.getReason()))
              .map(e -> e.getMessage())
              .toList();
    }
    System.out.printf(
        "scenario autoscale: %d s, %s%n",
        Duration.ofNanos(System.nanoTime() - started).toSeconds(),
        ScenarioRunner.requestSummary(traffic));
    String shown = view.toString(StandardCharsets.UTF_8);
    assertThat(verdict.outcome())
        .as(verdict.message() + "\n" + shown.substring(Math.max(0, shown.length() - 4000)))
        .isEqualTo(Verdict.Outcome.SUCCEEDED);
    assertThat(verdict.message())
        .containsPattern(
            "during the canary of 2.0.0 at weight 50 the HPA scaled the stable side 1.0.0 out from 1"
                + " to [23] pods as the traffic rose and back to 1 as it fell, the canary beside it at"
                + " [12] and 1 pods")
        .endsWith(
            "2.0.0 promoted, the HPA now scales " + hpa.getSpec().getScaleTargetRef().getName());
    assertThat(hpa.getSpec().getScaleTargetRef().getName()).contains("2-0-0");
    assertThat(hpa.getSpec().getBehavior().getScaleDown().getStabilizationWindowSeconds())
        .as("the example's behavior, written into the HPA by the operator")
        .isEqualTo(30);
    // Shown live: the canary's pods against what the weight derives from the stable side's size.
    assertThat(shown)
        .containsPattern(
            "Canary: 2.0.0 [12] pods? beside [23] of 1.0.0 \\(ceil\\(50 % × [23]\\) = [12]\\)");
    // The HPA's own record: scaled out because requests per second rose, back in because all
    // metrics fell.
    assertThat(rescales)
        .as(String.valueOf(rescales))
        .anyMatch(
            m ->
                m.matches(
                    "New size: [23]; reason: pods metric modelship_requests_per_second above target"));
    assertThat(rescales).anyMatch(m -> m.equals("New size: 1; reason: All metrics below target"));
    // currentReplicas is what the last sync saw before it scaled (2 right after the scale-in), as
    // in a cluster
    assertThat(hpa.getStatus().getDesiredReplicas()).isEqualTo(1);
    assertThat(hpa.getStatus().getCurrentMetrics())
        .extracting(m -> m.getType())
        .contains("Pods", "Resource");
    assertThat(hpa.getStatus().getConditions())
        .anyMatch(
            c ->
                c.getType().equals("ScalingActive")
                    && c.getStatus().equals("True")
                    && c.getReason().equals("ValidMetricFound"));
    // Shown live: the HPA's line with its metrics against their targets.
    assertThat(shown)
        .containsPattern(
            "Autoscaler: iris-[0-9a-z-]+ 1 → [23] pods \\(min 1, max 3\\), cpu [0-9?]+%?/80%, modelship_requests_per_second [0-9m]+/10");
    String requests = ScenarioRunner.requestSummary(traffic);
    assertThat(traffic.failures().keySet())
        .as(requests)
        .noneMatch(reason -> reason.startsWith("HTTP "));
    assertThat(traffic.failed())
        .as(requests)
        .isLessThanOrEqualTo(Math.max(2, traffic.sent() / 500));
    // Each label goes to the Service of the version that answered (a pod refuses another version's
    // request ids, and the Service iris sends to both during the canary), so they count: refused
    // are at most those answered in the second before a new version's Service is looked up.
    assertThat(traffic.feedbackRefused())
        .as(requests)
        .isLessThanOrEqualTo(Math.max(5, (traffic.feedback() + traffic.feedbackRefused()) / 50));
  }

  /**
   * Namespaced mode ({@code watchNamespaces: [ml]}, a Role there): the canary in {@code ml}, pods
   * as processes, ends as it should (this is the processes canary: every assertion of {@link
   * #run}), a ModelDeployment in another namespace is never reconciled, and the operator makes no
   * cluster-scoped request at all (only the self-reviews every user may make, about itself).
   */
  @Test
  @ResourceLock(value = CORES, mode = ResourceAccessMode.READ)
  void namespacedModeReconcilesOnlyItsNamespaces() throws Exception {
    var install =
        new LocalCluster.Install(List.of(ScenarioRunner.NAMESPACE), UnaryOperator.identity());
    run(
        Scenario.CANARY,
        LocalCluster.Pods.PROCESSES,
        install,
        cluster -> {
          var client = cluster.client();
          client
              .namespaces()
              .resource(
                  new NamespaceBuilder()
                      .withNewMetadata()
                      .withName(ELSEWHERE)
                      .endMetadata()
                      .build())
              .create();
          client
              .genericKubernetesResources(MODEL_DEPLOYMENTS)
              .inNamespace(ELSEWHERE)
              .resource(
                  new YAMLMapper()
                      .readValue(
                          Files.readString(
                              HOME.resolve("examples/local").resolve(Scenario.CANARY.manifest())),
                          GenericKubernetesResource.class))
              .create();
        },
        cluster -> {
          var md =
              cluster
                  .client()
                  .genericKubernetesResources(MODEL_DEPLOYMENTS)
                  .inNamespace(ELSEWHERE)
                  .withName(ScenarioRunner.NAME)
                  .get();
          assertThat(md.getAdditionalProperties().get("status"))
              .as("status of the ModelDeployment outside watchNamespaces")
              .isNull();
          assertThat(cluster.client().apps().deployments().inNamespace(ELSEWHERE).list().getItems())
              .isEmpty();
        });
    List<JsonNode> operatorRequests =
        audit().stream().filter(l -> l.path("user").asText().equals(OPERATOR)).toList();
    assertThat(operatorRequests).isNotEmpty();
    assertThat(operatorRequests)
        .as("the operator's cluster-scoped requests")
        .filteredOn(
            l ->
                l.has("resource")
                    && l.path("namespace").asText().isEmpty()
                    && !l.path("apiGroup").asText().equals("authorization.k8s.io"))
        .isEmpty();
    assertThat(operatorRequests)
        .as("the operator's requests outside its namespaces")
        .filteredOn(
            l ->
                l.has("resource")
                    && !l.path("namespace").asText().isEmpty()
                    && !Set.of(ScenarioRunner.NAMESPACE, ChartInstall.NAMESPACE)
                        .contains(l.path("namespace").asText()))
        .isEmpty();
  }

  /** The autoscale test's HPA controller flags (see {@link #autoscaleScalesOutAndBackIn}). */
  static final Duration HPA_SYNC_PERIOD = Duration.ofSeconds(5);

  static final String OPERATOR = "system:serviceaccount:" + ChartInstall.NAMESPACE + ":modelship";
  static final String ELSEWHERE = "elsewhere";
  static final ResourceDefinitionContext MODEL_DEPLOYMENTS =
      new ResourceDefinitionContext.Builder()
          .withGroup("modelship.io")
          .withVersion("v1alpha1")
          .withPlural("modeldeployments")
          .withNamespaced(true)
          .build();

  interface ClusterStep {
    void accept(LocalCluster cluster) throws Exception;
  }

  private List<JsonNode> audit() throws IOException {
    return audit(work.resolve("logs/audit.log"));
  }

  private static List<JsonNode> audit(Path log) throws IOException {
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> lines = new ArrayList<>();
    for (String line : Files.readAllLines(log)) {
      if (!line.isBlank()) {
        lines.add(json.readTree(line));
      }
    }
    return lines;
  }

  private static List<JsonNode> denied(Path log) throws IOException {
    return denied(audit(log));
  }

  private static List<JsonNode> denied(List<JsonNode> audit) {
    return audit.stream().filter(l -> l.path("code").asInt() == 403).toList();
  }

  private void run(Scenario scenario) throws Exception {
    run(scenario, LocalCluster.Pods.PROCESSES);
  }

  private String run(Scenario scenario, LocalCluster.Pods pods) throws Exception {
    return run(scenario, pods, LocalCluster.Install.DEFAULT, cluster -> {}, cluster -> {});
  }

  /**
   * Runs {@code scenario} on a cluster installed from the chart as {@code install} says, checks its
   * ending and that the audit log has no 403 (the chart's RBAC is all the operator and the pods
   * need); returns the run's container name prefix (containers only).
   */
  private String run(
      Scenario scenario,
      LocalCluster.Pods pods,
      LocalCluster.Install install,
      ClusterStep before,
      ClusterStep after)
      throws Exception {
    ByteArrayOutputStream view = new ByteArrayOutputStream();
    Verdict verdict;
    TrafficGenerator.Stats traffic;
    String prefix = null;
    List<JsonNode> scenarioAudit;
    long started = System.nanoTime();
    try (LocalCluster cluster =
        LocalCluster.start(new LocalCluster.Layout(HOME, work), 0, pods, install)) {
      if (cluster.containers() instanceof PodmanContainers podman) {
        prefix = podman.runId();
      }
      before.accept(cluster);
      ScenarioRunner runner =
          new ScenarioRunner(
              cluster,
              scenario,
              20,
              new PrintStream(view, true, StandardCharsets.UTF_8),
              false,
              Duration.ofMinutes(6));
      try {
        verdict = runner.run();
        traffic = runner.trafficStats().orElseThrow();
      } finally {
        runner.close();
      }
      // The scenario's own requests; what `after` does may provoke refusals of its own.
      scenarioAudit = audit();
      if (verdict.outcome() == Verdict.Outcome.SUCCEEDED) {
        after.accept(cluster);
      }
    }
    System.out.printf(
        "scenario %s with pods as %s: %d s, %s%n",
        scenario.cliName(),
        pods.name().toLowerCase(),
        Duration.ofNanos(System.nanoTime() - started).toSeconds(),
        ScenarioRunner.requestSummary(traffic));
    String shown = view.toString(StandardCharsets.UTF_8);
    assertThat(verdict.outcome())
        .as(verdict.message() + "\n" + shown.substring(Math.max(0, shown.length() - 4000)))
        .isEqualTo(Verdict.Outcome.SUCCEEDED);
    // The live view is the plugin's `get --watch` view.
    assertThat(shown).contains("Name:     ml/iris", "Replicas:");
    // A rollout in a cluster loses no request: pods get weight only once ready, and drain before
    // they stop. So no request is answered with an error; of the client's own timeouts a busy
    // 2-core machine may cause a handful (at most 0.2% of the requests).
    String requests = ScenarioRunner.requestSummary(traffic);
    // Traffic flowed through the whole rollout: a progressive one (steps, pauses, analysis) runs
    // for minutes; a rolling update (the S3 scenario's) is over in well under a minute.
    assertThat(traffic.ok()).as(requests).isGreaterThan(scenario == Scenario.S3 ? 100 : 500);
    assertThat(traffic.failures().keySet())
        .as(requests)
        .noneMatch(reason -> reason.startsWith("HTTP "));
    assertThat(traffic.failed())
        .as(requests)
        .isLessThanOrEqualTo(Math.max(2, traffic.sent() / 500));
    String last = shown.substring(shown.lastIndexOf("Name:     ml/iris"));
    String serving =
        scenario == Scenario.ROLLBACK ? Scenario.STABLE_VERSION : scenario.newVersion();
    // Two replicas: the Ready message counts the serving version's pods, not the old ones still
    // stopping.
    assertThat(last).as(last).contains("Version " + serving + " serves with 2 ready pods");
    switch (scenario) {
      case ROLLBACK ->
          assertThat(verdict.message())
              .contains("rolled back to 1.0.0")
              .containsPattern(
                  // the measured value against its threshold; a drop of exactly 1 prints as "1"
                  "\\d(\\.\\d+)? [a-z ]*> \\d");
      case CANARY -> assertThat(shown).contains("Analysis: ", "✓ 1  setWeight 10");
      // both versions' packages came from the embedded S3 store, through the Secret's credentials
      case S3 ->
          assertThat(shown)
              .contains(
                  "s3://models/iris/1.0.0.tar.gz and 2.0.0.tar.gz uploaded",
                  "labelled rows kept in s3://models/iris/labelled/");
      default -> assertThat(verdict.message()).contains("2.0.0");
    }
    // Installed from the chart, the operator and every pod ran as their ServiceAccounts and were
    // never refused: the chart's RBAC and the operator's Role for the pods are all they need.
    assertThat(scenarioAudit)
        .as("the audit log")
        .anyMatch(l -> l.path("user").asText().equals(OPERATOR))
        .anyMatch(
            l ->
                l.path("user")
                    .asText()
                    .startsWith("system:serviceaccount:" + ScenarioRunner.NAMESPACE + ":"));
    assertThat(denied(scenarioAudit)).as("403s in the audit log").isEmpty();
    return prefix;
  }
}
