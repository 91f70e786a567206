package io.modelship.local.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.modelship.kubectl.view.DetailView;
import io.modelship.local.cluster.LocalCluster;
import io.modelship.local.process.ChildProcesses;
import io.modelship.local.process.Java;
import io.modelship.local.traffic.LocalProxy;
import io.modelship.local.traffic.TrafficGenerator;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs one {@link Scenario} against a {@link LocalCluster}: applies the iris example at 1.0.0,
 * waits until it is Healthy, sends traffic, edits the version, shows the rollout live and returns
 * the {@link Verdict} once the rollout has ended (or the time is up).
 */
public final class ScenarioRunner {

  public static final String NAMESPACE = "ml";
  public static final String NAME = "iris";
  static final ResourceDefinitionContext MODEL_DEPLOYMENTS =
      new ResourceDefinitionContext.Builder()
          .withGroup("modelship.io")
          .withVersion("v1alpha1")
          .withPlural("modeldeployments")
          .withKind("ModelDeployment")
          .withNamespaced(true)
          .build();
  private static final ObjectMapper JSON = new ObjectMapper();

  private final LocalCluster cluster;
  private final Scenario scenario;
  private final double rps;
  private final PrintStream out;
  private final boolean live;
  private final Duration timeout;
  private TrafficGenerator traffic;
  private AutoscaleRamp ramp;

  /**
   * Re-read once a second from what the operator wrote; the generator reads it for every request.
   */
  private volatile String entryPoint;

  /**
   * Each running version's own Service (named like its Deployment), re-read once a second: feedback
   * goes there, since a runtime refuses labels for another version's request ids.
   */
  private volatile Map<String, String> versionUrls = Map.of();

  private String blueGreenViolation;

  public ScenarioRunner(
      LocalCluster cluster,
      Scenario scenario,
      double rps,
      PrintStream out,
      boolean live,
      Duration timeout) {
    this.cluster = cluster;
    this.scenario = scenario;
    this.rps = rps;
    this.out = out;
    this.live = live;
    this.timeout = timeout;
  }

  public Verdict run() throws IOException, InterruptedException {
    KubernetesClient client = cluster.client();
    if (client.namespaces().withName(NAMESPACE).get() == null) {
      // Restricted Pod Security, as a platform team labels an application namespace: every pod the
      // operator makes must pass it.
      client
          .namespaces()
          .resource(
              new NamespaceBuilder()
                  .withNewMetadata()
                  .withName(NAMESPACE)
                  .addToLabels("pod-security.kubernetes.io/enforce", "restricted")
                  .endMetadata()
                  .build())
          .create();
    }
    if (scenario == Scenario.ROLLBACK) {
      trainBadModel();
    }
    if (scenario == Scenario.S3 || scenario == Scenario.RETRAIN) {
      // What a user creates before applying: the store's keys, which the pods get by secretKeyRef.
      client
          .secrets()
          .inNamespace(NAMESPACE)
          .resource(
              new io.fabric8.kubernetes.api.model.SecretBuilder()
                  .withNewMetadata()
                  .withName("s3-creds")
                  .withNamespace(NAMESPACE)
                  .endMetadata()
                  .addToStringData("AWS_ACCESS_KEY_ID", io.modelship.local.pods.LocalS3.ACCESS_KEY)
                  .addToStringData(
                      "AWS_SECRET_ACCESS_KEY", io.modelship.local.pods.LocalS3.SECRET_KEY)
                  .build())
          .createOr(io.fabric8.kubernetes.client.dsl.NonDeletingOperation::update);
      out.println(
          "S3 store "
              + cluster.s3().endpoint()
              + " (as "
              + io.modelship.local.pods.LocalS3.ENDPOINT
              + "): s3://models/iris/1.0.0.tar.gz and 2.0.0.tar.gz uploaded; Secret s3-creds created");
    }
    if (scenario == Scenario.RETRAIN) {
      // An empty sink and no candidates, as for a new deployment (the store's directory outlives a
      // run), then the data iris 1.0.0 was trained on, where the retraining runs read it.
      cluster.s3().deletePrefix("iris/labelled");
      cluster.s3().deletePrefix("iris/candidates");
      cluster
          .s3()
          .upload(TRAINING_DATA_KEY, cluster.layout().home().resolve("examples/data/iris.csv"));
      out.println("training data uploaded as s3://models/" + TRAINING_DATA_KEY);
    }
    Path manifest = cluster.layout().home().resolve("examples/local").resolve(scenario.manifest());
    String text = Files.readString(manifest);
    out.println(
        "applying "
            + cluster.layout().home().relativize(manifest)
            + " (iris "
            + Scenario.STABLE_VERSION
            + ")");
    client
        .genericKubernetesResources(MODEL_DEPLOYMENTS)
        .inNamespace(NAMESPACE)
        .resource(
            new YAMLMapper()
                .readValue(text, io.fabric8.kubernetes.api.model.GenericKubernetesResource.class))
        .create();
    Duration upWithin =
        timeout.compareTo(Duration.ofMinutes(4)) < 0 ? timeout : Duration.ofMinutes(4);
    Optional<Verdict> up =
        watchUntil(
            upWithin,
            md ->
                Verdict.stableUp(md)
                    ? Optional.of(new Verdict(Verdict.Outcome.SUCCEEDED, "up"))
                    : Optional.empty());
    if (up.isEmpty()) {
      return new Verdict(
          Verdict.Outcome.FAILED,
          "iris "
              + Scenario.STABLE_VERSION
              + " did not become Healthy within "
              + upWithin
              + ": "
              + summary(get()));
    }
    // As a client that checks its Service's endpoints before it sends: the router follows pods by
    // watch, so this is a few milliseconds after the operator has called the pods ready.
    long endpointsBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (cluster.proxy().podsBehind(NAMESPACE, NAME) == 0 && System.nanoTime() < endpointsBy) {
      Thread.sleep(20);
    }
    out.println("iris " + Scenario.STABLE_VERSION + " is Healthy; sending " + rps + " requests/s");
    traffic =
        new TrafficGenerator(
                cluster.layout().home().resolve("examples/data/iris.csv"),
                "species",
                () -> Optional.ofNullable(entryPoint),
                rps,
                0.5,
                version -> Optional.ofNullable(versionUrls.get(version)))
            .start();
    if (scenario == Scenario.RETRAIN) {
      return retrain();
    }
    if (scenario == Scenario.AUTOSCALE) {
      return autoscale(
          text,
          new YAMLMapper()
              .readTree(text)
              .path("spec")
              .path("autoscaling")
              .path("minReplicas")
              .asInt(1));
    }
    // Some traffic on the stable version first, so the analysis has a baseline to compare against.
    Thread.sleep(8_000);
    changeVersion(text);
    Optional<Verdict> verdict =
        watchUntil(
            timeout,
            md -> {
              checkBlueGreenSwitch();
              Verdict v = Verdict.judge(scenario, md);
              if (v.outcome() == Verdict.Outcome.SUCCEEDED && blueGreenViolation != null) {
                return Optional.of(new Verdict(Verdict.Outcome.FAILED, blueGreenViolation));
              }
              return v.outcome() == Verdict.Outcome.RUNNING ? Optional.empty() : Optional.of(v);
            });
    Verdict result =
        verdict.orElseGet(
            () ->
                new Verdict(
                    Verdict.Outcome.FAILED,
                    "the "
                        + scenario.cliName()
                        + " rollout did not end within "
                        + timeout
                        + ": "
                        + summary(get())));
    if (scenario == Scenario.S3) {
      out.println(
          "labelled rows kept in s3://models/iris/labelled/: "
              + labelledChunks()
              + " CSV chunk(s) so far"
              + " (each pod writes a chunk a minute, and its open chunk when it stops)");
    }
    return result;
  }

  /** Edits the resource to the scenario's new version, as a user applying the edited manifest. */
  private void changeVersion(String text) throws IOException {
    String edited = scenario.edited(text);
    out.println("changing iris to " + scenario.newVersion() + " (" + scenario.cliName() + ")");
    JsonNode editedJson = JSON.valueToTree(new YAMLMapper().readValue(edited, Map.class));
    cluster
        .client()
        .genericKubernetesResources(MODEL_DEPLOYMENTS)
        .inNamespace(NAMESPACE)
        .withName(NAME)
        .patch(
            PatchContext.of(PatchType.JSON_MERGE),
            JSON.createObjectNode().set("spec", editedJson.path("spec")).toString());
  }

  /**
   * The retrain scenario after iris 1.0.0 is up: the clients' data shifts ({@link ShiftedIris}),
   * drift and the accuracy drop start a retraining Job, the candidate it leaves is adopted with
   * {@code kubectl modelship adopt} (the real kubectl and the plugin, as a person would) and rolls
   * out as a canary with analysis. Succeeds only when the candidate beat the serving version and
   * was promoted.
   */
  private Verdict retrain() throws IOException, InterruptedException {
    Thread.sleep(5_000); // answers on the data 1.0.0 knows first, as the drift's baseline
    Path shifted = cluster.layout().workDir().resolve("iris-shifted.csv");
    Files.write(
        shifted,
        ShiftedIris.of(
            Files.readAllLines(cluster.layout().home().resolve("examples/data/iris.csv")),
            "species"));
    traffic.switchTo(shifted, "species");
    out.println(
        "the world changes: sepals measured 3 cm larger, each flower named as the next species"
            + " (rows of "
            + cluster.layout().home().relativize(shifted.getParent()).resolve("iris-shifted.csv")
            + ")");
    Optional<Verdict> retrained =
        watchUntil(
            timeout,
            md -> {
              RetrainProgress p = RetrainProgress.of(md);
              retrainProgress = p;
              return switch (p.stage()) {
                case CANDIDATE_BETTER ->
                    Optional.of(new Verdict(Verdict.Outcome.SUCCEEDED, p.message()));
                case FAILED -> Optional.of(new Verdict(Verdict.Outcome.FAILED, p.message()));
                default -> Optional.empty();
              };
            });
    if (retrained.isEmpty()) {
      return new Verdict(
          Verdict.Outcome.FAILED,
          "no better candidate within "
              + timeout
              + ": "
              + (retrainProgress == null ? summary(get()) : retrainProgress.message()));
    }
    if (retrained.get().outcome() != Verdict.Outcome.SUCCEEDED) {
      return retrained.get();
    }
    String candidate = retrainProgress.candidateVersion();
    out.println();
    out.println(retrainProgress.message());
    String serving = get().path("spec").path("model").path("version").asText();
    KeptRows kept = KeptRows.of(cluster.client(), NAMESPACE, NAME, serving);
    out.println(kept.message(serving));
    if (kept.pods() > 1 && (kept.handedOver() == 0 || kept.lost() > 0)) {
      return new Verdict(
          Verdict.Outcome.FAILED,
          "labels that reached the pod that had not predicted their row were not all kept: "
              + kept.message(serving));
    }
    out.println(
        "$ kubectl modelship adopt " + NAME + " -n " + NAMESPACE + " --candidate " + candidate);
    PluginRun adopt = kubectlModelship("adopt", NAME, "-n", NAMESPACE, "--candidate", candidate);
    out.print(adopt.output());
    if (adopt.exitCode() != 0) {
      return new Verdict(
          Verdict.Outcome.FAILED,
          "kubectl modelship adopt exited with "
              + adopt.exitCode()
              + ": "
              + adopt.output().strip());
    }
    Optional<Verdict> verdict =
        watchUntil(
            timeout,
            md -> {
              Verdict v = Verdict.judge(scenario, md, candidate);
              return v.outcome() == Verdict.Outcome.RUNNING ? Optional.empty() : Optional.of(v);
            });
    out.println(
        "labelled rows kept in s3://models/iris/labelled/: "
            + labelledChunks()
            + " CSV chunk(s); candidates in s3://models/iris/candidates/: "
            + objectsUnder("iris/candidates"));
    return verdict.orElseGet(
        () ->
            new Verdict(
                Verdict.Outcome.FAILED,
                "the candidate "
                    + candidate
                    + " was adopted but its rollout did not end within "
                    + timeout
                    + ": "
                    + summary(get())));
  }

  /** Where the retrain scenario puts the training data, under the store's bucket. */
  static final String TRAINING_DATA_KEY = "iris/train.csv";

  private volatile RetrainProgress retrainProgress;

  record PluginRun(int exitCode, String output) {}

  /**
   * {@code kubectl modelship …} as a user runs it: the real kubectl on PATH, which finds the plugin
   * ({@code kubectl-plugin/bin/kubectl-modelship}) on PATH, against local mode's kubeconfig.
   */
  private PluginRun kubectlModelship(String... args) throws IOException, InterruptedException {
    Path bin = cluster.layout().home().resolve("kubectl-plugin/bin");
    String path = bin + java.io.File.pathSeparator + System.getenv().getOrDefault("PATH", "");
    Optional<Path> kubectl =
        java.util.Arrays.stream(path.split(java.io.File.pathSeparator))
            .filter(d -> !d.isEmpty())
            .map(d -> Path.of(d, "kubectl"))
            .filter(Files::isExecutable)
            .findFirst();
    if (kubectl.isEmpty()) {
      return new PluginRun(
          127,
          "kubectl is not on PATH: the retrain scenario adopts with `kubectl modelship adopt`");
    }
    // kubectl takes no flags before a plugin's name: the kubeconfig goes by KUBECONFIG.
    List<String> command = new ArrayList<>(List.of(kubectl.get().toString(), "modelship"));
    command.addAll(List.of(args));
    Path log = cluster.layout().logs().resolve("kubectl-modelship.log");
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("PATH", path);
    builder.environment().put("KUBECONFIG", cluster.layout().kubeconfig().toString());
    Process p = builder.start();
    if (!p.waitFor(2, TimeUnit.MINUTES)) {
      p.destroyForcibly().waitFor();
      return new PluginRun(-1, Files.readString(log) + "\n<timed out after 2 minutes>");
    }
    return new PluginRun(p.exitValue(), Files.readString(log));
  }

  private long objectsUnder(String key) {
    Path prefix = cluster.s3().object(key);
    if (!Files.isDirectory(prefix)) {
      return 0;
    }
    try (var files = Files.walk(prefix)) {
      return files.filter(Files::isRegularFile).count();
    } catch (IOException e) {
      return 0;
    }
  }

  private long labelledChunks() {
    Path prefix = cluster.s3().object("iris/labelled");
    if (!Files.isDirectory(prefix)) {
      return 0;
    }
    try (var files = Files.walk(prefix)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".csv")).count();
    } catch (IOException e) {
      return 0;
    }
  }

  /**
   * During a canary of 2.0.0 (weight 50, paused until promoted) raises the traffic until the HPA
   * scales the stable side out, then lowers it until the HPA scales it back in to its minimum, the
   * canary beside it at ceil(weight × stable) pods all along (operator README, "Autoscaling during
   * a canary"); then promotes 2.0.0 and waits until the HPA scales the new version's Deployment.
   * Succeeds once all of that happened, each step shown live with the HPA's own status.
   */
  private Verdict autoscale(String text, int minReplicas) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    // Half of --rps to begin with (10 by default), half of that until the canary serves, so the
    // single stable pod stays below the example's target of 10 per pod on its own.
    double low = rps / 2;
    traffic.setRate(low / 2);
    changeVersion(text);
    String stable = Scenario.STABLE_VERSION;
    String canary = scenario.newVersion();
    Optional<Verdict> paused =
        watchUntil(
            remaining(deadline),
            md ->
                md.path("status").path("phase").asText().equals("Paused")
                        && readyReplicas(deployment(canary)) > 0
                    ? Optional.of(new Verdict(Verdict.Outcome.SUCCEEDED, "paused"))
                    : Optional.empty());
    if (paused.isEmpty()) {
      return new Verdict(
          Verdict.Outcome.FAILED,
          "the canary of " + canary + " did not reach its pause: " + summary(get()));
    }
    int weight = get().path("status").path("rollout").path("desiredWeight").asInt();
    out.println(
        "canary "
            + canary
            + " at weight "
            + weight
            + ", paused until promoted; raising the traffic on the stable side "
            + stable);
    // With the canary's pod taking half the requests, 10, 30 requests/s give the stable pod 5, 15:
    // it scales out at 30 (ratio 1.5), and back in at 10 over two or three pods.
    ramp = new AutoscaleRamp(low, 2 * low, 5 * low, hold(), minReplicas);
    traffic.setRate(low);
    // Stable pods → the canary's pods seen while both sides were settled (all their pods ready).
    Map<Integer, Integer> canaryBeside = new java.util.TreeMap<>();
    Optional<Verdict> scaled =
        watchUntil(
            remaining(deadline),
            md -> {
              Optional<Deployment> s = deployment(stable);
              Optional<Deployment> c = deployment(canary);
              String target = autoscalerTarget().orElse("");
              if (s.isEmpty()
                  || c.isEmpty()
                  || !md.path("status").path("canaryVersion").asText().equals(canary)) {
                return Optional.of(
                    new Verdict(
                        Verdict.Outcome.FAILED,
                        "the canary of "
                            + canary
                            + " ended while the stable side was being scaled: "
                            + summary(md)));
              }
              if (!target.equals(s.get().getMetadata().getName())) {
                return Optional.of(
                    new Verdict(
                        Verdict.Outcome.FAILED,
                        "during the canary the HPA scales "
                            + target
                            + ", not the stable side "
                            + s.get().getMetadata().getName()));
              }
              int replicas = replicas(s);
              int ready = readyReplicas(s);
              boolean settled = ready == replicas && readyReplicas(c) == replicas(c);
              if (settled) {
                canaryBeside.put(replicas, replicas(c));
              }
              AutoscaleRamp.Stage before = ramp.stage();
              double rate = ramp.next(Instant.now(), replicas, ready);
              if (rate != traffic.rate()) {
                traffic.setRate(rate);
              }
              if (ramp.stage() != before && !live) {
                out.println(
                    "autoscale: "
                        + ramp.stage().name().toLowerCase(Locale.ROOT).replace('_', ' ')
                        + " at "
                        + replicas
                        + " stable replicas; sending "
                        + rate
                        + " requests/s");
              }
              // Done once back at the minimum with both sides settled, so the canary's count beside
              // it is recorded too.
              return ramp.stage() == AutoscaleRamp.Stage.DONE && settled
                  ? Optional.of(new Verdict(Verdict.Outcome.SUCCEEDED, "scaled"))
                  : Optional.empty();
            });
    if (scaled.isEmpty()) {
      return new Verdict(
          Verdict.Outcome.FAILED,
          "the HPA did not "
              + (ramp.stage() == AutoscaleRamp.Stage.RAISING
                  ? "scale the stable side out"
                  : "scale the stable side back in")
              + " within "
              + timeout
              + " (at "
              + ramp.rate()
              + " requests/s): "
              + autoscalerLine().orElse("no HPA iris"));
    }
    if (scaled.get().outcome() == Verdict.Outcome.FAILED) {
      return scaled.get();
    }
    if (ramp.peakReady() <= minReplicas) {
      return new Verdict(
          Verdict.Outcome.FAILED,
          "the HPA scaled the stable side to "
              + ramp.peak()
              + " pods but never more than "
              + ramp.peakReady()
              + " were ready: the count it chose did not hold");
    }
    List<String> wrong = new ArrayList<>();
    canaryBeside.forEach(
        (s, c) -> {
          int expected = AutoscaleRamp.canaryPods(weight, s);
          if (c != expected) {
            wrong.add(c + " canary pods beside " + s + " stable, not " + expected);
          }
        });
    if (!wrong.isEmpty()
        || !canaryBeside.containsKey(ramp.peakReady())
        || !canaryBeside.containsKey(minReplicas)) {
      return new Verdict(
          Verdict.Outcome.FAILED,
          "the canary did not keep ceil("
              + weight
              + " % × stable) pods: "
              + (wrong.isEmpty()
                  ? "settled sides seen " + canaryBeside
                  : String.join(", ", wrong)));
    }
    // Promote, at a rate one pod of the new version carries below its target.
    traffic.setRate(low / 2);
    out.println("promoting " + canary + " (kubectl modelship promote iris)");
    cluster
        .client()
        .genericKubernetesResources(MODEL_DEPLOYMENTS)
        .inNamespace(NAMESPACE)
        .withName(NAME)
        .patch(
            PatchContext.of(PatchType.JSON_MERGE),
            "{\"metadata\":{\"annotations\":{\"modelship.io/promote\":\"scenario-"
                + System.currentTimeMillis()
                + "\"}}}");
    Instant[] switched = {null};
    Optional<Verdict> promoted =
        watchUntil(
            remaining(deadline),
            md -> {
              JsonNode status = md.path("status");
              Optional<Deployment> d = deployment(canary);
              if (!status.path("stableVersion").asText().equals(canary)
                  || !status.path("phase").asText().equals("Healthy")
                  || d.isEmpty()
                  || !autoscalerTarget().orElse("").equals(d.get().getMetadata().getName())) {
                return Optional.empty();
              }
              if (switched[0] == null) {
                switched[0] = Instant.now().minusSeconds(1);
              }
              // The HPA scales the new version once it computed a count from that version's pods.
              return scalingActiveSince(switched[0])
                  ? Optional.of(
                      new Verdict(
                          Verdict.Outcome.SUCCEEDED,
                          "during the canary of "
                              + canary
                              + " at weight "
                              + weight
                              + " the HPA scaled the stable side "
                              + stable
                              + " out from "
                              + minReplicas
                              + " to "
                              + ramp.peak()
                              + " pods as the traffic rose and back to "
                              + minReplicas
                              + " as it fell, the canary beside it at "
                              + canaryBeside.get(ramp.peakReady())
                              + " and "
                              + canaryBeside.get(minReplicas)
                              + " pods (ceil("
                              + weight
                              + " % × stable)); "
                              + canary
                              + " promoted, the HPA now scales "
                              + d.get().getMetadata().getName()))
                  : Optional.empty();
            });
    return promoted.orElseGet(
        () ->
            new Verdict(
                Verdict.Outcome.FAILED,
                canary
                    + " was not promoted with the HPA scaling its Deployment within "
                    + timeout
                    + ": "
                    + summary(get())
                    + "; "
                    + autoscalerLine().orElse("no HPA iris")));
  }

  private static Duration remaining(long deadline) {
    return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
  }

  private Optional<Deployment> deployment(String version) {
    return deploymentObjects().stream()
        .filter(d -> version.equals(d.getMetadata().getLabels().get("modelship.io/version")))
        .findFirst();
  }

  private static int replicas(Optional<Deployment> d) {
    return d.map(x -> x.getSpec().getReplicas() == null ? 1 : x.getSpec().getReplicas()).orElse(0);
  }

  private static int readyReplicas(Optional<Deployment> d) {
    return d.map(
            x ->
                x.getStatus() == null || x.getStatus().getReadyReplicas() == null
                    ? 0
                    : x.getStatus().getReadyReplicas())
        .orElse(0);
  }

  private Optional<HorizontalPodAutoscaler> autoscaler() {
    return Optional.ofNullable(
        cluster
            .client()
            .autoscaling()
            .v2()
            .horizontalPodAutoscalers()
            .inNamespace(NAMESPACE)
            .withName(NAME)
            .get());
  }

  /** The Deployment the HPA scales. */
  private Optional<String> autoscalerTarget() {
    return autoscaler().map(h -> h.getSpec().getScaleTargetRef().getName());
  }

  /**
   * The HPA computed a replica count from its target's metrics, in a condition set after {@code
   * since}.
   */
  private boolean scalingActiveSince(Instant since) {
    return autoscaler()
        .map(HorizontalPodAutoscaler::getStatus)
        .map(
            s ->
                s.getConditions() == null
                    ? List
                        .<io.fabric8.kubernetes.api.model.autoscaling.v2
                                .HorizontalPodAutoscalerCondition>
                            of()
                    : s.getConditions())
        .orElse(List.of())
        .stream()
        .anyMatch(
            c ->
                c.getType().equals("ScalingActive")
                    && c.getStatus().equals("True")
                    && c.getLastTransitionTime() != null
                    && !Instant.parse(c.getLastTransitionTime()).isBefore(since));
  }

  /**
   * How long each rate is held while raising: two of the HPA controller's sync periods, as a rate
   * needs two readings (30 s with the default 15 s period).
   */
  private Duration hold() {
    return cluster.autoscaler().settings().syncPeriod().multipliedBy(2);
  }

  /**
   * One line of the HPA's status as {@code kubectl get hpa} and {@code describe} show it: target,
   * replicas, each metric against its target, and the AbleToScale reason.
   */
  private Optional<String> autoscalerLine() {
    var hpa =
        cluster
            .client()
            .autoscaling()
            .v2()
            .horizontalPodAutoscalers()
            .inNamespace(NAMESPACE)
            .withName(NAME)
            .get();
    if (hpa == null) {
      return Optional.empty();
    }
    StringBuilder line =
        new StringBuilder("Autoscaler: ").append(hpa.getSpec().getScaleTargetRef().getName());
    var status = hpa.getStatus();
    line.append(
        String.format(
            Locale.ROOT,
            " %s → %s pods (min %d, max %d)",
            status == null || status.getCurrentReplicas() == null
                ? "-"
                : status.getCurrentReplicas(),
            status == null || status.getDesiredReplicas() == null
                ? "-"
                : status.getDesiredReplicas(),
            hpa.getSpec().getMinReplicas() == null ? 1 : hpa.getSpec().getMinReplicas(),
            hpa.getSpec().getMaxReplicas()));
    for (var m : hpa.getSpec().getMetrics()) {
      String current = "?";
      if (status != null && status.getCurrentMetrics() != null) {
        for (var c : status.getCurrentMetrics()) {
          if ("Pods".equals(m.getType()) && "Pods".equals(c.getType())) {
            current = c.getPods().getCurrent().getAverageValue().toString();
          } else if ("Resource".equals(m.getType()) && "Resource".equals(c.getType())) {
            current = c.getResource().getCurrent().getAverageUtilization() + "%";
          }
        }
      }
      if ("Pods".equals(m.getType())) {
        line.append(", ")
            .append(m.getPods().getMetric().getName())
            .append(' ')
            .append(current)
            .append('/')
            .append(m.getPods().getTarget().getAverageValue());
      } else if ("Resource".equals(m.getType())) {
        line.append(", ")
            .append(m.getResource().getName())
            .append(' ')
            .append(current)
            .append('/')
            .append(m.getResource().getTarget().getAverageUtilization())
            .append('%');
      }
    }
    if (status != null && status.getConditions() != null) {
      status.getConditions().stream()
          .filter(c -> c.getType().equals("AbleToScale"))
          .findFirst()
          .ifPresent(c -> line.append("; ").append(c.getReason()));
      status.getConditions().stream()
          .filter(c -> c.getType().equals("ScalingActive") && c.getStatus().equals("False"))
          .findFirst()
          .ifPresent(
              c -> line.append("; ").append(c.getReason()).append(": ").append(c.getMessage()));
    }
    return Optional.of(line.toString());
  }

  /**
   * During the canary: its pods beside the stable side's, against what the weight derives from the
   * stable side's size ({@code Canary: 2.0.0 1 pod beside 2 of 1.0.0 (ceil(50 % × 2) = 1)}).
   */
  private Optional<String> canaryLine(JsonNode md) {
    String canary = md.path("status").path("canaryVersion").asText("");
    String stable = md.path("status").path("stableVersion").asText("");
    int weight = md.path("status").path("rollout").path("desiredWeight").asInt(-1);
    if (canary.isEmpty() || stable.isEmpty() || weight < 0) {
      return Optional.empty();
    }
    Optional<Deployment> c = deployment(canary);
    Optional<Deployment> s = deployment(stable);
    if (c.isEmpty() || s.isEmpty()) {
      return Optional.empty();
    }
    int stablePods = replicas(s);
    int canaryPods = replicas(c);
    return Optional.of(
        String.format(
            Locale.ROOT,
            "Canary: %s %d pod%s beside %d of %s (ceil(%d %% × %d) = %d), the HPA sizing %s",
            canary,
            canaryPods,
            canaryPods == 1 ? "" : "s",
            stablePods,
            stable,
            weight,
            stablePods,
            AutoscaleRamp.canaryPods(weight, stablePods),
            stable));
  }

  /**
   * Where clients send requests: the HTTPRoute's port when Gateway API routing is set, else the
   * Service's.
   */
  private Optional<String> entryPoint(JsonNode md) {
    LocalProxy proxy = cluster.proxy();
    String route =
        md.path("spec")
            .path("rollout")
            .path("canary")
            .path("trafficRouting")
            .path("gatewayAPI")
            .path("httpRoute")
            .asText("");
    if (!route.isEmpty()) {
      Optional<LocalProxy.Endpoint> r = proxy.route(NAMESPACE, route);
      if (r.isPresent()) {
        return r.map(LocalProxy.Endpoint::url);
      }
    }
    return proxy.service(NAMESPACE, NAME).map(LocalProxy.Endpoint::url);
  }

  private Map<String, String> versionServices() {
    Map<String, String> urls = new java.util.HashMap<>();
    for (Deployment d : deploymentObjects()) {
      String version = d.getMetadata().getLabels().get("modelship.io/version");
      if (version != null) {
        cluster
            .proxy()
            .service(NAMESPACE, d.getMetadata().getName())
            .ifPresent(e -> urls.put(version, e.url()));
      }
    }
    return Map.copyOf(urls);
  }

  /** One line for the end of a run: how many of the clients' requests were lost, and why. */
  public static String requestSummary(TrafficGenerator.Stats s) {
    return String.format(
        Locale.ROOT,
        "requests: %d sent, %d answered, %d failed%s; labels: %d accepted, %d not%s",
        s.sent(),
        s.ok(),
        s.failed(),
        s.failed() == 0 ? "" : " (" + s.failureSummary() + ")",
        s.feedback(),
        s.feedbackRefused(),
        s.feedbackRefused() == 0 ? "" : " (" + s.refusalSummary() + ")");
  }

  /** What the traffic generator's clients saw so far; empty before traffic started. */
  public Optional<TrafficGenerator.Stats> trafficStats() {
    return Optional.ofNullable(traffic).map(TrafficGenerator::stats);
  }

  /** Blue-green must switch the Service only to a version whose pods are all ready. */
  private void checkBlueGreenSwitch() {
    if (scenario != Scenario.BLUEGREEN || blueGreenViolation != null) {
      return;
    }
    var service = cluster.client().services().inNamespace(NAMESPACE).withName(NAME).get();
    if (service == null || service.getSpec().getSelector() == null) {
      return;
    }
    String selected = service.getSpec().getSelector().get("modelship.io/version");
    if (!scenario.newVersion().equals(selected)) {
      return;
    }
    for (JsonNode d : deployments()) {
      if (scenario
              .newVersion()
              .equals(d.path("metadata").path("labels").path("modelship.io/version").asText())
          && d.path("status").path("readyReplicas").asInt()
              < Math.max(1, d.path("spec").path("replicas").asInt())) {
        blueGreenViolation =
            "iris switched to "
                + selected
                + " while only "
                + d.path("status").path("readyReplicas").asInt()
                + " of its "
                + d.path("spec").path("replicas").asInt()
                + " pods were ready";
      }
    }
  }

  private interface Judge {
    Optional<Verdict> test(JsonNode md);
  }

  private Optional<Verdict> watchUntil(Duration limit, Judge judge) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    String lastFrame = "";
    long lastPrint = 0;
    while (System.nanoTime() < deadline) {
      JsonNode md = get();
      String frame;
      try {
        entryPoint = entryPoint(md).orElse(null);
        versionUrls = versionServices();
        frame = frame(md);
      } catch (KubernetesClientException e) {
        // A busy machine can make one API call time out; the next second's look is as good.
        Thread.sleep(1000);
        continue;
      }
      if (live) {
        out.print("\u001b[H\u001b[2J");
        out.print(frame);
        out.flush();
      } else {
        String key =
            frame
                .lines()
                .filter(l -> !l.startsWith(TRAFFIC) && !l.startsWith("Age:") && !l.contains(" ago"))
                .reduce("", String::concat);
        if (!key.equals(lastFrame)
            || System.nanoTime() - lastPrint > TimeUnit.SECONDS.toNanos(15)) {
          out.print(frame);
          out.println();
          lastFrame = key;
          lastPrint = System.nanoTime();
        }
      }
      Optional<Verdict> v;
      try {
        v = judge.test(md);
      } catch (KubernetesClientException e) {
        Thread.sleep(1000);
        continue;
      }
      if (v.isPresent()) {
        if (!live) {
          String last;
          try {
            last = frame(get());
          } catch (KubernetesClientException e) {
            last = frame;
          }
          out.print(last);
        }
        return v;
      }
      Thread.sleep(1000);
    }
    return Optional.empty();
  }

  private static final String TRAFFIC = "Clients (last 10 s):";

  /**
   * What {@code kubectl modelship get --watch} shows (the plugin's {@link DetailView}), then one
   * line of what the traffic generator's clients saw.
   */
  private String frame(JsonNode md) {
    @SuppressWarnings("unchecked")
    Map<String, Object> resource = JSON.convertValue(md, Map.class);
    StringBuilder frame =
        new StringBuilder(DetailView.render(resource, deploymentObjects(), Instant.now()));
    if (scenario == Scenario.AUTOSCALE) {
      autoscalerLine().ifPresent(line -> frame.append('\n').append(line).append('\n'));
      canaryLine(md).ifPresent(line -> frame.append(line).append('\n'));
    }
    if (scenario == Scenario.RETRAIN) {
      frame.append('\n').append(RetrainProgress.of(md).message()).append('\n');
    }
    if (traffic != null) {
      TrafficGenerator.Stats stats = traffic.stats();
      frame.append('\n').append(TRAFFIC);
      stats
          .versionShare()
          .forEach(
              (version, share) ->
                  frame.append(String.format(Locale.ROOT, " %s %.0f%%", version, 100 * share)));
      frame.append(
          String.format(
              Locale.ROOT,
              "; sending %.0f/s; sent %d, ok %d, failed %d, feedback %d%n",
              traffic.rate(),
              stats.sent(),
              stats.ok(),
              stats.failed(),
              stats.feedback()));
    }
    return frame.toString();
  }

  private List<Deployment> deploymentObjects() {
    return cluster
        .client()
        .apps()
        .deployments()
        .inNamespace(NAMESPACE)
        .withLabel("modelship.io/deployment", NAME)
        .list()
        .getItems();
  }

  JsonNode get() {
    try {
      var md =
          cluster
              .client()
              .genericKubernetesResources(MODEL_DEPLOYMENTS)
              .inNamespace(NAMESPACE)
              .withName(NAME)
              .get();
      return md == null ? JSON.createObjectNode() : JSON.valueToTree(md);
    } catch (KubernetesClientException e) {
      return JSON.createObjectNode();
    }
  }

  private List<JsonNode> deployments() {
    List<JsonNode> out = new ArrayList<>();
    for (Deployment d :
        cluster
            .client()
            .apps()
            .deployments()
            .inNamespace(NAMESPACE)
            .withLabel("modelship.io/deployment", NAME)
            .list()
            .getItems()) {
      out.add(JSON.valueToTree(d));
    }
    out.sort(
        java.util.Comparator.comparing(
            d -> d.path("metadata").path("labels").path("modelship.io/version").asText()));
    return out;
  }

  private static String summary(JsonNode md) {
    JsonNode s = md.path("status");
    return "phase "
        + s.path("phase").asText("-")
        + ", stable "
        + s.path("stableVersion").asText("-")
        + ", conditions "
        + s.path("conditions");
  }

  /**
   * Trains iris {@value Scenario#BAD_VERSION} on the iris data with its labels mixed up, each class
   * named as the next one (a label-encoding bug): it predicts every class as often as 1.0.0 does,
   * so no prediction shift shows it, but it is wrong on nearly every labelled answer. A model
   * trained on shuffled labels was tried first: on the rows sent it was still right about half the
   * time (a forest memorises only part of its training rows' noise), a drop of ~0.43 that 27 labels
   * measure with a spread of ±0.1 — a coin too close to the 0.3 limit.
   */
  private void trainBadModel() throws IOException, InterruptedException {
    Path target = cluster.layout().models().resolve("iris-" + Scenario.BAD_VERSION + ".tar.gz");
    List<String> lines =
        Files.readAllLines(cluster.layout().home().resolve("examples/data/iris.csv"));
    List<String> classes =
        lines.subList(1, lines.size()).stream()
            .filter(l -> !l.isBlank())
            .map(l -> l.substring(l.lastIndexOf(',') + 1))
            .distinct()
            .sorted()
            .toList();
    List<String> mixedUp = new ArrayList<>(List.of(lines.getFirst()));
    for (String line : lines.subList(1, lines.size())) {
      if (!line.isBlank()) {
        String label = line.substring(line.lastIndexOf(',') + 1);
        mixedUp.add(
            line.substring(0, line.lastIndexOf(',') + 1)
                + classes.get((classes.indexOf(label) + 1) % classes.size()));
      }
    }
    Path csv = cluster.layout().workDir().resolve("iris-mixed-up-labels.csv");
    if (Files.isRegularFile(target)
        && Files.isRegularFile(csv)
        && Files.readAllLines(csv).equals(mixedUp)) {
      return; // trained from these very rows before
    }
    Files.write(csv, mixedUp);
    out.println("training iris " + Scenario.BAD_VERSION + " on mixed-up labels (" + target + ")");
    ChildProcesses processes = cluster.processes();
    Process train =
        processes.start(
            List.of(
                Java.launcher(),
                "-jar",
                cluster.layout().runtimeJar().toString(),
                "train",
                "--data",
                csv.toString(),
                "--target",
                "species",
                "--name",
                "iris",
                "--version",
                Scenario.BAD_VERSION,
                "--out",
                target.toString(),
                "--seed",
                "42"),
            Map.of(),
            cluster.layout().logs().resolve("train-" + Scenario.BAD_VERSION + ".log"));
    if (!train.waitFor(3, TimeUnit.MINUTES) || train.exitValue() != 0) {
      processes.stop(train, Duration.ofSeconds(1));
      throw new IllegalStateException(
          "training the mixed-up-label model failed; see "
              + cluster.layout().logs().resolve("train-" + Scenario.BAD_VERSION + ".log"));
    }
    processes.stop(train, Duration.ofSeconds(1));
  }

  public void close() {
    if (traffic != null) {
      traffic.close();
    }
  }
}
