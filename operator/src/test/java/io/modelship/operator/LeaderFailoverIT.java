package io.modelship.operator;

import static io.modelship.operator.harness.Steps.pause;
import static io.modelship.operator.harness.Steps.weight;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.modelship.api.v1alpha1.ModelDeployment;
import io.modelship.api.v1alpha1.spec.AnalysisSpec;
import io.modelship.api.v1alpha1.status.Phase;
import io.modelship.api.v1alpha1.status.RolloutOutcome;
import io.modelship.api.v1alpha1.status.RolloutStatus;
import io.modelship.operator.dependent.ServingNames;
import io.modelship.operator.harness.FakeDeploymentController;
import io.modelship.operator.harness.MockCluster;
import io.modelship.operator.harness.OperatorHarness;
import io.modelship.operator.harness.OperatorProcess;
import io.modelship.operator.harness.Reports;
import io.modelship.operator.harness.RolloutCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Two operator processes share one API server with leader election on. The leader is killed
 * (SIGKILL: no shutdown hook, so the Lease is not handed back) while a canary is in a timed pause;
 * the other replica takes the Lease once it expires and carries the rollout on from {@code
 * status.rollout}: the same step, the pause's start unchanged (so only its remaining time is
 * waited), and afterwards every step advanced exactly once, in order, to a promotion.
 */
class LeaderFailoverIT {

  static final String NS = "failover";
  static final Duration PAUSE = Duration.ofSeconds(30);
  static final Duration LEASE_DURATION = LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE;

  /** fabric8's elector waits a jittered retry period (factor 1.2) between attempts to acquire. */
  static final Duration RETRY =
      Duration.ofMillis(
          (long) (LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE.toMillis() * 1.2));

  /** Scheduling on a loaded two-core machine, and this test's polling. */
  static final Duration SLACK = Duration.ofSeconds(3);

  /** A snapshot of status.rollout as the test saw it, and when. */
  record Seen(
      Instant at,
      int stepIndex,
      String stepStartedAt,
      String pauseStartedAt,
      Integer desiredWeight,
      Phase phase,
      RolloutOutcome outcome) {}

  @Test
  void theOtherReplicaTakesTheLeaseAndTheCanaryGoesOnFromItsStatus() throws Exception {
    Path work = Files.createDirectories(Path.of("target", "leader-failover-it"));
    Path keyFile = work.resolve("master-key");
    Files.writeString(keyFile, OperatorHarness.MASTER_KEY);
    List<Seen> seen = new CopyOnWriteArrayList<>();
    Map<String, long[]> counters = new HashMap<>();
    ScheduledExecutorService background = Executors.newScheduledThreadPool(2);
    try (var cluster = new MockCluster();
        var deployments = new FakeDeploymentController(cluster.newClient(), true)) {
      KubernetesClient client = cluster.client();
      var lease = client.leases().inNamespace("modelship-system").withName("modelship-operator");
      Path kubeconfig = OperatorProcess.kubeconfig(work, client.getConfiguration().getMasterUrl());
      Path log0 = work.resolve("operator-0.log");
      Path log1 = work.resolve("operator-1.log");
      Process first = start(kubeconfig, keyFile, "operator-0", log0);
      Process second = null;
      try {
        // operator-0 leads before operator-1 starts, so which one is killed is known.
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(200))
            .until(
                () -> {
                  assertThat(first.isAlive()).as("operator-0 (see %s)", log0).isTrue();
                  return Files.readString(log0).contains("Leading as operator-0");
                });
        second = start(kubeconfig, keyFile, "operator-1", log1);
        Process follower = second;
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(200))
            .until(
                () -> {
                  assertThat(follower.isAlive()).as("operator-1 (see %s)", log1).isTrue();
                  // Its controller is started and it has seen who leads: it now retries for the
                  // Lease.
                  return Files.readString(log1).contains("New leader with identity: operator-0");
                });

        var md =
            RolloutCluster.canary(
                NS,
                10,
                List.of(
                    weight(20),
                    pause(PAUSE.toSeconds() + "s"),
                    weight(50),
                    pause(null),
                    weight(100)));
        var analysis = new AnalysisSpec();
        analysis.setInterval("2s");
        analysis.setMinRequests(20L);
        analysis.setMaxErrorRate(0.05);
        md.getSpec().getRollout().setAnalysis(analysis);
        client.resource(md).create();
        awaitStatus(client, Duration.ofSeconds(30), m -> m.getStatus().getPhase() == Phase.Healthy);

        // Every ready pod serves a clean stream of requests, reported as the runtime does.
        background.scheduleWithFixedDelay(
            () -> serve(client, counters), 0, 500, TimeUnit.MILLISECONDS);
        background.scheduleWithFixedDelay(() -> record(client, seen), 0, 50, TimeUnit.MILLISECONDS);

        setVersion(client, "2.0.0");
        ModelDeployment paused =
            awaitStatus(
                client,
                Duration.ofSeconds(30),
                m ->
                    m.getStatus().getRollout() != null
                        && "2.0.0".equals(m.getStatus().getRollout().getVersion())
                        && m.getStatus().getRollout().getStepIndex() == 1
                        && m.getStatus().getRollout().getPauseStartedAt() != null);
        String pauseStartedAt = paused.getStatus().getRollout().getPauseStartedAt();
        assertThat(lease.get().getSpec().getHolderIdentity()).isEqualTo("operator-0");
        // The Events of a transition are written after the status that records it, best effort,
        // as Kubernetes Events are: a leader killed between the two loses them, and the next one
        // cannot tell. The kill is meant for the pause, so it waits until operator-0 is done with
        // the write that started it (its Paused Event comes after Step 1's StepAdvanced).
        await("operator-0's Events of Step 1 and the pause")
            .atMost(Duration.ofSeconds(10))
            .pollInterval(Duration.ofMillis(50))
            .until(
                () ->
                    events(client).stream()
                            .anyMatch(
                                e ->
                                    "StepAdvanced".equals(e.getReason())
                                        && e.getMessage().startsWith("Step 1/5 "))
                        && events(client).stream().anyMatch(e -> "Paused".equals(e.getReason())));

        first.destroyForcibly(); // SIGKILL: no shutdown hook runs, the Lease stays held until it
        // expires.
        long killed = System.nanoTime();
        assertThat(first.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(lease.get().getSpec().getHolderIdentity())
            .as("holder right after the kill")
            .isEqualTo("operator-0");

        Duration bound = LEASE_DURATION.plus(RETRY).plus(SLACK);
        await("operator-1 holding the Lease, at most " + bound + " after the kill")
            .atMost(bound)
            .pollInterval(Duration.ofMillis(100))
            .until(() -> "operator-1".equals(lease.get().getSpec().getHolderIdentity()));
        Duration takeover = Duration.ofNanos(System.nanoTime() - killed);
        System.out.printf(
            "LeaderFailoverIT: operator-1 took the Lease %d ms after operator-0 was killed%n",
            takeover.toMillis());
        assertThat(second.isAlive()).as("operator-1 (see %s)", log1).isTrue();
        assertThat(takeover).as("time from the kill to the new holder").isLessThan(bound);

        // The new leader carries on with the pause: its first judgement finds the same step, the
        // same pause start, and only what is left of the pause from that start still to wait.
        Instant tookOver = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Instant pauseEnd = Instant.parse(pauseStartedAt).plus(PAUSE);
        ModelDeployment resumed =
            awaitStatus(
                client,
                Duration.ofSeconds(10),
                m -> {
                  var a = m.getStatus().getRollout().getAnalysis();
                  return a != null
                      && a.getLastJudgedAt() != null
                      && !Instant.parse(a.getLastJudgedAt()).isBefore(tookOver);
                });
        assertThat(resumed.getStatus().getRollout().getStepIndex())
            .as("step after the takeover")
            .isEqualTo(1);
        assertThat(resumed.getStatus().getRollout().getPauseStartedAt())
            .as("pause start after the takeover")
            .isEqualTo(pauseStartedAt);
        String waiting =
            OperatorHarness.conditionOf(resumed, "Progressing").orElseThrow().getMessage();
        var left =
            java.util.regex.Pattern.compile("paused at weight 20, (\\d+)s left").matcher(waiting);
        assertThat(left.find()).as("Progressing message after the takeover: %s", waiting).isTrue();
        assertThat(Long.parseLong(left.group(1)))
            .as("seconds of pause left after the takeover: %s", waiting)
            .isLessThanOrEqualTo(Duration.between(tookOver, pauseEnd).toSeconds() + 1);

        // The pause until promoted: promote it by annotation, as kubectl modelship promote does.
        awaitStatus(
            client,
            Duration.ofSeconds(60),
            m ->
                m.getStatus().getRollout().getOutcome() != null
                    || m.getStatus().getRollout().getStepIndex() == 3);
        annotate(client, "modelship.io/promote", "p1");
        ModelDeployment promoted =
            awaitStatus(
                client,
                Duration.ofSeconds(60),
                m ->
                    m.getStatus().getPhase() == Phase.Healthy
                        || m.getStatus().getPhase() == Phase.Degraded);
        assertThat(promoted.getStatus().getRollout().getOutcome())
            .as("outcome (%s)", promoted.getStatus().getRollout().getAbortReason())
            .isEqualTo(RolloutOutcome.Promoted);
        assertThat(promoted.getStatus().getPhase()).isEqualTo(Phase.Healthy);
        assertThat(promoted.getStatus().getStableVersion()).isEqualTo("2.0.0");
        assertThat(promoted.getStatus().getRollout().getAnalysis().getFailed()).isZero();
        assertThat(promoted.getStatus().getRollout().getAnalysis().getPassed()).isPositive();
        background.shutdownNow();
        background.awaitTermination(5, TimeUnit.SECONDS);

        // status.rollout as seen every 50 ms: the step index never went back, and the pause kept
        // its start.
        List<Seen> rollout = seen.stream().filter(s -> s.outcome() == null).toList();
        assertThat(rollout).isNotEmpty();
        for (int i = 1; i < rollout.size(); i++) {
          assertThat(rollout.get(i).stepIndex())
              .as("step index after %s", rollout.get(i - 1))
              .isGreaterThanOrEqualTo(rollout.get(i - 1).stepIndex());
        }
        List<Seen> inPause =
            rollout.stream().filter(s -> s.stepIndex() == 1 && s.pauseStartedAt() != null).toList();
        assertThat(inPause).extracting(Seen::pauseStartedAt).containsOnly(pauseStartedAt);
        // The pause ended when it was due from its original start, not a full pause after the
        // takeover.
        Seen afterPause =
            rollout.stream().filter(s -> s.stepIndex() >= 2).findFirst().orElseThrow();
        Instant advanced = Instant.parse(afterPause.stepStartedAt());
        assertThat(advanced)
            .as("when the pause step was done (pause started %s)", pauseStartedAt)
            .isAfterOrEqualTo(pauseEnd.minusSeconds(1)) // status times are whole seconds
            .isBefore(pauseEnd.plus(Duration.ofSeconds(10)));

        // Every step advanced exactly once, in order: an Event each, none repeated, none missing.
        List<String> advancedSteps =
            events(client).stream()
                .filter(e -> "StepAdvanced".equals(e.getReason()))
                .map(Event::getMessage)
                .toList();
        // Each step's number and what it was; the rest says how it ended (done, or promoted by
        // hand).
        assertThat(advancedSteps)
            .as("StepAdvanced events %s", advancedSteps)
            .extracting(m -> m.substring(0, m.indexOf(')') + 1))
            .containsExactlyInAnyOrder(
                "Step 1/5 (setWeight 20)",
                "Step 2/5 (pause 30s)",
                "Step 3/5 (setWeight 50)",
                "Step 4 (pause until promoted)", // "... promoted by modelship.io/promote"
                "Step 5/5 (setWeight 100)");
        assertThat(events(client))
            .filteredOn(
                e ->
                    "Promoted".equals(e.getReason()) && e.getMessage().startsWith("Promoted 2.0.0"))
            .hasSize(1);
        assertThat(promoted.getStatus().getHistory())
            .filteredOn(r -> "2.0.0".equals(r.getVersion()))
            .hasSize(1);
        assertThat(lease.get().getSpec().getHolderIdentity()).isEqualTo("operator-1");
      } finally {
        background.shutdownNow();
        first.destroyForcibly();
        if (second != null) {
          second.destroyForcibly();
          second.waitFor(10, TimeUnit.SECONDS);
        }
      }
    } finally {
      background.shutdownNow();
    }
  }

  static ModelDeployment awaitStatus(
      KubernetesClient client,
      Duration atMost,
      java.util.function.Predicate<ModelDeployment> condition) {
    var resource = client.resources(ModelDeployment.class).inNamespace(NS).withName("iris");
    await()
        .atMost(atMost)
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              var md = resource.get();
              return md != null && md.getStatus() != null && condition.test(md);
            });
    return resource.get();
  }

  static void record(KubernetesClient client, List<Seen> seen) {
    try {
      var md = client.resources(ModelDeployment.class).inNamespace(NS).withName("iris").get();
      RolloutStatus r = md == null || md.getStatus() == null ? null : md.getStatus().getRollout();
      if (r == null || !"2.0.0".equals(r.getVersion())) {
        return;
      }
      var now =
          new Seen(
              Instant.now(),
              r.getStepIndex(),
              r.getStepStartedAt(),
              r.getPauseStartedAt(),
              r.getDesiredWeight(),
              md.getStatus().getPhase(),
              r.getOutcome());
      Seen last = seen.isEmpty() ? null : seen.getLast();
      if (last == null
          || last.stepIndex() != now.stepIndex()
          || !Objects.equals(last.stepStartedAt(), now.stepStartedAt())
          || !Objects.equals(last.pauseStartedAt(), now.pauseStartedAt())
          || last.outcome() != now.outcome()) {
        seen.add(now);
      }
    } catch (RuntimeException e) {
      // A missed poll is only a coarser record.
    }
  }

  /**
   * Each ready pod of each version adds 40 requests without errors, at 10 ms, and reports its
   * totals.
   */
  static void serve(KubernetesClient client, Map<String, long[]> counters) {
    try {
      for (String version : List.of("1.0.0", "2.0.0")) {
        var deployment =
            client
                .apps()
                .deployments()
                .inNamespace(NS)
                .withName(ServingNames.versionChildName("iris", version))
                .get();
        int live = deployment == null ? 0 : deployment.getSpec().getReplicas();
        var pods =
            client
                .pods()
                .inNamespace(NS)
                .withLabel("modelship.io/version", version)
                .list()
                .getItems();
        for (var pod : pods) {
          String name = pod.getMetadata().getName();
          if (Integer.parseInt(name.substring(name.lastIndexOf('-') + 1)) >= live) {
            continue;
          }
          long[] c = counters.computeIfAbsent(name, k -> new long[1]);
          c[0] += 40;
          var report = Reports.report(version, c[0], 0, 10, 10, 10, Instant.now());
          report.setStartTime("2026-01-01T00:00:00Z");
          Reports.latency(report, c[0], 10);
          report.setLatencyP99Ms(10.0);
          Reports.write(client, NS, "iris", name, pod.getMetadata().getUid(), report);
        }
      }
    } catch (RuntimeException e) {
      // A pod gone between list and write; the next round reports again.
    }
  }

  static void setVersion(KubernetesClient client, String version) {
    edit(
        client,
        md -> {
          md.getSpec().getModel().setVersion(version);
          md.getSpec().getModel().setUri("https://models.example.com/iris/" + version + ".tar.gz");
        });
  }

  static void annotate(KubernetesClient client, String key, String value) {
    edit(
        client,
        md -> {
          var annotations = new HashMap<String, String>();
          if (md.getMetadata().getAnnotations() != null) {
            annotations.putAll(md.getMetadata().getAnnotations());
          }
          annotations.put(key, value);
          md.getMetadata().setAnnotations(annotations);
        });
  }

  /** Changes the resource, retrying when a status write moved its resourceVersion meanwhile. */
  static void edit(KubernetesClient client, java.util.function.Consumer<ModelDeployment> change) {
    var resource = client.resources(ModelDeployment.class).inNamespace(NS).withName("iris");
    for (int attempt = 0; ; attempt++) {
      try {
        var md = resource.get();
        change.accept(md);
        client.resource(md).update();
        return;
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        if (e.getCode() != 409 || attempt > 20) {
          throw e;
        }
      }
    }
  }

  static List<Event> events(KubernetesClient client) {
    return client.v1().events().inNamespace(NS).list().getItems();
  }

  /** The operator as its jar runs it, leader election on, named as the pod {@code identity}. */
  private static Process start(Path kubeconfig, Path keyFile, String identity, Path log)
      throws IOException {
    var builder =
        OperatorProcess.builder(
            kubeconfig,
            log,
            List.of("-Xmx192m", "-XX:TieredStopAtLevel=1"),
            "--leader-election",
            "true",
            "--lease-namespace",
            "modelship-system",
            "--http-port",
            "0",
            "--signing-key-file",
            keyFile.toAbsolutePath().toString());
    builder.environment().put("HOSTNAME", identity);
    return builder.start();
  }
}
