package io.modelship.operator.rollout.plan;

import io.modelship.api.v1alpha1.spec.RolloutSpec;
import io.modelship.api.v1alpha1.status.RolloutStatus;
import io.modelship.operator.rollout.analysis.SampleMinimums;
import io.modelship.operator.rollout.analysis.TrafficHistory;
import io.modelship.operator.rollout.analysis.VersionMetrics;
import io.modelship.operator.rollout.traffic.RouteObservation;
import io.modelship.operator.rollout.traffic.VersionObservation;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything a planner may look at: the spec's wish, what the last status recorded and what the
 * cluster shows now. No client, no clock beyond what is passed in.
 *
 * @param targetVersion {@code spec.model.version}
 * @param replicas pods per version the spec asks for (minReplicas when autoscaled)
 * @param autoscaled whether an HPA owns the replica count of the serving version
 * @param stableVersion the version the last status recorded as serving, or {@code null}
 * @param observed Deployments by version
 * @param rollout {@code spec.rollout}, {@code null} when absent
 * @param previous {@code status.rollout} as last written, {@code null} when none
 * @param control the manual-control annotations
 * @param metrics what each version's pods report about their health now, by version
 * @param traffic each version's traffic over time, for the analysis windows
 * @param minimums samples the analysis judge needs per statistic, from the monitoring settings
 * @param targetProblems why pods of the target version cannot serve (crash loops, pull and load
 *     errors)
 * @param route the weighted route as observed, empty when there is none or no route is used
 * @param model uri (or uriFrom) and sha256 of the target version, for history entries
 * @param now time of this reconcile
 */
public record RolloutInputs(
    String targetVersion,
    int replicas,
    boolean autoscaled,
    String stableVersion,
    Map<String, VersionObservation> observed,
    RolloutSpec rollout,
    RolloutStatus previous,
    ManualControl control,
    Map<String, VersionMetrics> metrics,
    TrafficHistory traffic,
    SampleMinimums minimums,
    List<String> targetProblems,
    Optional<RouteObservation> route,
    ModelRef model,
    Instant now) {

  /** The package of the version being rolled out. */
  public record ModelRef(
      String uri, io.modelship.api.v1alpha1.spec.ModelUriSource uriFrom, String sha256) {}

  public RolloutInputs {
    observed = Map.copyOf(observed);
    metrics = Map.copyOf(metrics);
    targetProblems = List.copyOf(targetProblems);
    control = control == null ? ManualControl.NONE : control;
    traffic = traffic == null ? TrafficHistory.NONE : traffic;
    minimums = minimums == null ? SampleMinimums.DEFAULTS : minimums;
  }

  /** A rolling update's inputs: nothing but versions and sizes. */
  public RolloutInputs(
      String targetVersion,
      int replicas,
      boolean autoscaled,
      String stableVersion,
      Map<String, VersionObservation> observed) {
    this(
        targetVersion,
        replicas,
        autoscaled,
        stableVersion,
        observed,
        null,
        null,
        ManualControl.NONE,
        Map.of(),
        TrafficHistory.NONE,
        SampleMinimums.DEFAULTS,
        List.of(),
        Optional.empty(),
        new ModelRef(null, null, null),
        Instant.EPOCH);
  }
}
