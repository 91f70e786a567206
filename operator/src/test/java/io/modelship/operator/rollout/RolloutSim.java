package io.modelship.operator.rollout;

import io.modelship.api.v1alpha1.spec.AnalysisSpec;
import io.modelship.api.v1alpha1.spec.BlueGreenSpec;
import io.modelship.api.v1alpha1.spec.CanarySpec;
import io.modelship.api.v1alpha1.spec.CanaryStep;
import io.modelship.api.v1alpha1.spec.PauseStep;
import io.modelship.api.v1alpha1.spec.RolloutSpec;
import io.modelship.api.v1alpha1.spec.RolloutStrategy;
import io.modelship.api.v1alpha1.status.RolloutStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Drives a planner the way reconciles do: each {@link #reconcile()} feeds the last plan's
 * status.rollout and stable version back in, and the simulated cluster runs the Deployments the
 * plan asked for (ready at once unless a version is held). Time only moves when told.
 */
final class RolloutSim {

  static final String URI = "https://models.example.com/iris/2.0.0.tar.gz";
  static final String SHA = "b".repeat(64);

  RolloutSpec spec = new RolloutSpec();
  String target = "2.0.0";
  String stable = "1.0.0";
  int replicas = 4;
  boolean autoscaled;
  Instant now = Instant.parse("2026-01-01T10:00:00Z");
  RolloutStatus status;
  Map<String, VersionObservation> observed = new HashMap<>();
  Map<String, VersionMetrics> metrics = new HashMap<>();
  Map<String, String> annotations = new HashMap<>();
  Set<String> held = new HashSet<>();
  List<String> targetProblems = new ArrayList<>();
  Optional<RolloutInputs.RouteObservation> route = Optional.empty();
  final List<RolloutTransition> transitions = new ArrayList<>();
  final List<io.modelship.api.v1alpha1.status.RolloutRecord> history = new ArrayList<>();
  RolloutPlan last;

  static RolloutSim canary(CanaryStep... steps) {
    var sim = new RolloutSim();
    sim.spec.setStrategy(RolloutStrategy.Canary);
    var canary = new CanarySpec();
    canary.setSteps(new ArrayList<>(List.of(steps)));
    sim.spec.setCanary(canary);
    sim.observed.put("1.0.0", new VersionObservation("1.0.0", sim.replicas, sim.replicas, sim.replicas));
    return sim;
  }

  static RolloutSim blueGreen(Integer autoPromotionSeconds, Integer scaleDownDelaySeconds, Integer previewReplicas) {
    var sim = new RolloutSim();
    sim.spec.setStrategy(RolloutStrategy.BlueGreen);
    var bg = new BlueGreenSpec();
    bg.setAutoPromotionSeconds(autoPromotionSeconds);
    bg.setScaleDownDelaySeconds(scaleDownDelaySeconds);
    bg.setPreviewReplicas(previewReplicas);
    sim.spec.setBlueGreen(bg);
    sim.observed.put("1.0.0", new VersionObservation("1.0.0", sim.replicas, sim.replicas, sim.replicas));
    return sim;
  }

  static CanaryStep weight(int w) {
    var step = new CanaryStep();
    step.setSetWeight(w);
    return step;
  }

  static CanaryStep pause(String duration) {
    var step = new CanaryStep();
    var pause = new PauseStep();
    pause.setDuration(duration);
    step.setPause(pause);
    return step;
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
    return new RolloutInputs(target, replicas, autoscaled, stable, observed, spec, status,
        ManualControl.of(annotations), metrics, targetProblems, route, new RolloutInputs.ModelRef(URI, SHA), now);
  }

  /** One reconcile: plan, record what it wrote, let the fake cluster converge on its targets. */
  RolloutPlan reconcile() {
    last = RolloutPlanner.forSpec(spec).plan(inputs());
    status = last.rollout();
    stable = last.stableVersion();
    transitions.addAll(last.transitions());
    last.outcome().ifPresent(history::add);
    var next = new HashMap<String, VersionObservation>();
    for (VersionTarget t : last.targets()) {
      int size = t.replicas() == null
          ? Optional.ofNullable(observed.get(t.version())).map(VersionObservation::replicas).orElse(replicas)
          : t.replicas();
      int ready = held.contains(t.version()) ? 0 : size;
      next.put(t.version(), new VersionObservation(t.version(), size, ready, ready));
    }
    observed = next;
    return last;
  }

  /** Reconciles until the plan stops changing the cluster or the rollout state (at most 10 times). */
  RolloutPlan settle() {
    RolloutPlan plan = reconcile();
    for (int i = 0; i < 10; i++) {
      var before = new HashMap<>(observed);
      String step = status == null ? null : status.getStepIndex() + "/" + status.getOutcome() + "/" + status.getDesiredWeight();
      plan = reconcile();
      String after = status == null ? null : status.getStepIndex() + "/" + status.getOutcome() + "/" + status.getDesiredWeight();
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

  /** The canary's pods report {@code requests} more requests with {@code errors} errors and this p99. */
  RolloutSim traffic(String version, long requests, long errors, double p99) {
    VersionMetrics m = metrics.getOrDefault(version, VersionMetrics.traffic(0, 0, null));
    metrics.put(version, VersionMetrics.traffic(m.requests() + requests, m.errors() + errors, p99));
    return this;
  }

  int replicasOf(String version) {
    return last.targets().stream().filter(t -> t.version().equals(version)).findFirst()
        .map(t -> t.replicas() == null ? -1 : t.replicas()).orElse(0);
  }

  List<RolloutTransition.Kind> kinds() {
    return transitions.stream().map(RolloutTransition::kind).toList();
  }
}
