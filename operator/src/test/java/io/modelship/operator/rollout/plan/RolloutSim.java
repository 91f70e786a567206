package io.modelship.operator.rollout.plan;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.modelship.api.v1alpha1.report.BinnedCounts;
import io.modelship.api.v1alpha1.report.LatencyBuckets;
import io.modelship.api.v1alpha1.report.RuntimeReportSpec;
import io.modelship.api.v1alpha1.spec.AnalysisSpec;
import io.modelship.api.v1alpha1.spec.BlueGreenSpec;
import io.modelship.api.v1alpha1.spec.CanarySpec;
import io.modelship.api.v1alpha1.spec.CanaryStep;
import io.modelship.api.v1alpha1.spec.RolloutSpec;
import io.modelship.api.v1alpha1.spec.RolloutStrategy;
import io.modelship.api.v1alpha1.status.RolloutStatus;
import io.modelship.drift.DriftReport;
import io.modelship.drift.DriftThresholds;
import io.modelship.operator.harness.Reports;
import io.modelship.operator.harness.Steps;
import io.modelship.operator.reports.ReportHistory;
import io.modelship.operator.rollout.analysis.AnalysisJudge;
import io.modelship.operator.rollout.analysis.SampleMinimums;
import io.modelship.operator.rollout.analysis.VersionMetrics;
import io.modelship.operator.rollout.traffic.RouteObservation;
import io.modelship.operator.rollout.traffic.VersionObservation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Drives a planner the way reconciles do: each {@link #reconcile()} feeds the last plan's
 * status.rollout and stable version back in, and the simulated cluster runs the Deployments the
 * plan asked for (ready at once unless a version is held). Time only moves when told. Every
 * reconcile also checks that the planner left the status it was given as it was.
 */
public final class RolloutSim {

  static final String URI = "https://models.example.com/iris/2.0.0.tar.gz";
  static final String SHA = "b".repeat(64);
  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  RolloutSpec spec = new RolloutSpec();
  String target = "2.0.0";
  String stable = "1.0.0";
  int replicas = 4;
  boolean autoscaled;
  Instant now = Instant.parse("2026-01-01T10:00:00Z");
  RolloutStatus status;
  Map<String, VersionObservation> observed = new HashMap<>();
  Map<String, VersionMetrics> metrics = new HashMap<>();

  /**
   * Each simulated pod's cumulative report, as the runtime keeps it; fed to {@link #traffic} on
   * every reconcile.
   */
  final Map<String, RuntimeReportSpec> pods = new TreeMap<>();

  ReportHistory traffic = new ReportHistory();
  SampleMinimums minimums = SampleMinimums.DEFAULTS;
  Map<String, String> annotations = new HashMap<>();
  Set<String> held = new HashSet<>();
  List<String> targetProblems = new ArrayList<>();
  Optional<RouteObservation> route = Optional.empty();
  final List<RolloutTransition> transitions = new ArrayList<>();
  final List<io.modelship.api.v1alpha1.status.RolloutRecord> history = new ArrayList<>();
  RolloutPlan last;

  static RolloutSim canary(CanaryStep... steps) {
    var sim = new RolloutSim();
    sim.spec.setStrategy(RolloutStrategy.Canary);
    var canary = new CanarySpec();
    canary.setSteps(new ArrayList<>(List.of(steps)));
    sim.spec.setCanary(canary);
    sim.observed.put(
        "1.0.0", new VersionObservation("1.0.0", sim.replicas, sim.replicas, sim.replicas));
    return sim;
  }

  static RolloutSim blueGreen(
      Integer autoPromotionSeconds, Integer scaleDownDelaySeconds, Integer previewReplicas) {
    var sim = new RolloutSim();
    sim.spec.setStrategy(RolloutStrategy.BlueGreen);
    var bg = new BlueGreenSpec();
    bg.setAutoPromotionSeconds(autoPromotionSeconds);
    bg.setScaleDownDelaySeconds(scaleDownDelaySeconds);
    bg.setPreviewReplicas(previewReplicas);
    sim.spec.setBlueGreen(bg);
    sim.observed.put(
        "1.0.0", new VersionObservation("1.0.0", sim.replicas, sim.replicas, sim.replicas));
    return sim;
  }

  static CanaryStep weight(int w) {
    return Steps.weight(w);
  }

  static CanaryStep pause(String duration) {
    return Steps.pause(duration);
  }

  RolloutSim analysis(long minRequests, int failureLimit, Double maxErrorRate, Double maxP99) {
    var a = new AnalysisSpec();
    a.setInterval("30s");
    a.setMinRequests(minRequests);
    a.setFailureLimit(failureLimit);
    a.setMaxErrorRate(maxErrorRate);
    a.setMaxLatencyP99Ms(maxP99);
    spec.setAnalysis(a);
    return this;
  }

  RolloutInputs inputs() {
    traffic.observe(pods, now, Duration.ofSeconds(1));
    return new RolloutInputs(
        target,
        replicas,
        autoscaled,
        stable,
        observed,
        spec,
        status,
        ManualControl.of(annotations),
        metrics,
        traffic.view(DriftThresholds.DEFAULT, DriftReport::score),
        minimums,
        targetProblems,
        route,
        new RolloutInputs.ModelRef(URI, null, SHA),
        now);
  }

  /** One reconcile: plan, record what it wrote, let the fake cluster converge on its targets. */
  RolloutPlan reconcile() {
    String given = status == null ? null : JSON.asJson(status);
    last = RolloutPlanner.forSpec(spec).plan(inputs());
    if (given != null && !given.equals(JSON.asJson(status))) {
      throw new AssertionError(
          "the planner changed the status it was given: " + given + " → " + JSON.asJson(status));
    }
    status = last.rollout();
    stable = last.stableVersion();
    transitions.addAll(last.transitions());
    last.outcome().ifPresent(history::add);
    var next = new HashMap<String, VersionObservation>();
    for (VersionTarget t : last.targets()) {
      int size =
          t.replicas() == null
              ? Optional.ofNullable(observed.get(t.version()))
                  .map(VersionObservation::replicas)
                  .orElse(replicas)
              : t.replicas();
      int ready = held.contains(t.version()) ? 0 : size;
      next.put(t.version(), new VersionObservation(t.version(), size, ready, ready));
    }
    observed = next;
    return last;
  }

  /**
   * Reconciles until the plan stops changing the cluster or the rollout state (at most 10 times).
   */
  RolloutPlan settle() {
    RolloutPlan plan = reconcile();
    for (int i = 0; i < 10; i++) {
      var before = new HashMap<>(observed);
      String step =
          status == null
              ? null
              : status.getStepIndex() + "/" + status.getOutcome() + "/" + status.getDesiredWeight();
      plan = reconcile();
      String after =
          status == null
              ? null
              : status.getStepIndex() + "/" + status.getOutcome() + "/" + status.getDesiredWeight();
      if (before.equals(observed) && java.util.Objects.equals(step, after)) {
        return plan;
      }
    }
    return plan;
  }

  RolloutSim advance(Duration d) {
    now = now.plus(d);
    return this;
  }

  /**
   * The version's pod counts {@code requests} more requests with {@code errors} errors, all taking
   * {@code latencyMs}.
   */
  RolloutSim traffic(String version, long requests, long errors, double latencyMs) {
    RuntimeReportSpec r = pod(version);
    r.setRequestCount(r.getRequestCount() + requests);
    r.setErrorCount(r.getErrorCount() + errors);
    long[] latency = LatencyBuckets.expanded(r.getLatencyCounts());
    latency[LatencyBuckets.bucketOf(latencyMs)] += requests;
    r.setLatencyCounts(LatencyBuckets.trimmed(latency));
    return this;
  }

  /** The version's pod scores {@code labelled} more feedbacks, {@code correct} of them right. */
  RolloutSim feedback(String version, long labelled, long correct) {
    RuntimeReportSpec r = pod(version);
    r.setFeedbackCount(r.getFeedbackCount() + labelled);
    r.setFeedbackCorrect(r.getFeedbackCorrect() + correct);
    return this;
  }

  /**
   * The version's pod bins {@code a + b + c} more rows: feature petal_length into its three bins as
   * a, b, c (the reference is 0.3/0.4/0.3), sepal_width as c, b, a, predictions as a + b and c.
   */
  RolloutSim rows(String version, long a, long b, long c) {
    RuntimeReportSpec r = pod(version);
    add(r.getFeatures().get("petal_length"), a, b, c);
    add(r.getFeatures().get("sepal_width"), c, b, a);
    add(r.getPrediction(), a + b, c);
    return this;
  }

  /** The version's pod restarts: every counter starts again from zero. */
  RolloutSim restart(String version) {
    pods.remove("pod-" + version);
    pod(version).setStartTime(now.toString());
    return this;
  }

  /**
   * What the judgement reads as p99 of traffic that all took {@code latencyMs} (its bucket,
   * interpolated).
   */
  public static String measuredP99(double latencyMs) {
    var counts = new long[LatencyBuckets.COUNT];
    counts[LatencyBuckets.bucketOf(latencyMs)] = 100;
    return AnalysisJudge.ms(LatencyBuckets.quantile(counts, 0.99));
  }

  private RuntimeReportSpec pod(String version) {
    metrics.putIfAbsent(version, new VersionMetrics(1, 1, List.of()));
    return pods.computeIfAbsent(
        "pod-" + version,
        k -> {
          RuntimeReportSpec r = Reports.report(version, 0, 0, 0, 0, 0, now);
          r.setStartTime(now.toString());
          r.setFeedbackCount(0L);
          r.setFeedbackCorrect(0L);
          return r;
        });
  }

  private static void add(BinnedCounts bins, long... more) {
    var counts = new ArrayList<>(bins.getCounts());
    for (int i = 0; i < more.length; i++) {
      counts.set(i, counts.get(i) + more[i]);
    }
    bins.setCounts(counts);
  }

  int replicasOf(String version) {
    return last.targets().stream()
        .filter(t -> t.version().equals(version))
        .findFirst()
        .map(t -> t.replicas() == null ? -1 : t.replicas())
        .orElse(0);
  }

  List<RolloutTransition.Kind> kinds() {
    return transitions.stream().map(RolloutTransition::kind).toList();
  }
}
