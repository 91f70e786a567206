package io.modelship.operator.metrics;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.modelship.api.v1alpha1.ModelDeployment;
import io.modelship.api.v1alpha1.status.AnalysisMetric;
import io.modelship.api.v1alpha1.status.DriftLevel;
import io.modelship.api.v1alpha1.status.Measurement;
import io.modelship.api.v1alpha1.status.ModelDeploymentStatus;
import io.modelship.api.v1alpha1.status.Phase;
import io.modelship.api.v1alpha1.status.RolloutStatus;
import io.modelship.api.v1alpha1.status.Verdict;
import io.modelship.operator.dependent.ServingNames;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Per ModelDeployment gauges and counters on the operator's /metrics, fed from the status the
 * operator just assembled: what a board or an alert needs over time and the status alone cannot
 * give (it holds only the present). Every series carries {@code namespace} and {@code name} of the
 * ModelDeployment; the names follow Prometheus conventions (state sets as 0/1 gauges with the state
 * as a label, like kube-state-metrics' {@code kube_pod_status_phase}).
 *
 * <ul>
 *   <li>{@code modelship_modeldeployment_phase{phase}}: 1 for the current phase, 0 for the others
 *   <li>{@code modelship_modeldeployment_info{model, stable_version, canary_version, strategy}}: 1
 *   <li>{@code modelship_modeldeployment_desired_weight_percent}, {@code
 *       ..._actual_weight_percent}: the new version's share of traffic, desired by the step and in
 *       force
 *   <li>{@code modelship_modeldeployment_current_step}: the canary step index (NaN without a
 *       rollout)
 *   <li>{@code modelship_modeldeployment_replicas{version}}, {@code ..._ready_replicas{version}}
 *   <li>{@code modelship_modeldeployment_drift_score}, {@code ..._drift_status{status}}, {@code
 *       ..._accuracy}, {@code ..._accuracy_drop}: the aggregated figures of the status
 *   <li>{@code modelship_analysis_verdicts_total{metric, result}}: one per new measurement of a
 *       rollout's analysis; every metric and result starts at 0 so a rate is never "no data"
 * </ul>
 *
 * Only the leader reconciles, so only the leader's series move; a replica that never reconciled
 * exports none of them.
 */
public final class DeploymentMetrics {

  private final MeterRegistry registry;
  private final ConcurrentMap<Key, Series> deployments = new ConcurrentHashMap<>();

  private final RetrainingMetrics retraining;

  public DeploymentMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.retraining = new RetrainingMetrics(registry);
  }

  /** The retraining series of each ModelDeployment with spec.retraining. */
  public RetrainingMetrics retraining() {
    return retraining;
  }

  record Key(String namespace, String name) {
    Tags tags() {
      return Tags.of("namespace", namespace, "name", name);
    }
  }

  /**
   * Records what {@code status} says of {@code md} and, per version, the replicas of its serving
   * {@code deployments}. Called once per reconcile with the status it assembled.
   */
  public void observe(
      ModelDeployment md, ModelDeploymentStatus status, List<Deployment> servingDeployments) {
    if (status == null) {
      return;
    }
    var key = new Key(md.getMetadata().getNamespace(), md.getMetadata().getName());
    Series series = deployments.computeIfAbsent(key, k -> new Series(k, status));
    synchronized (series) {
      series.update(md, status, servingDeployments);
    }
  }

  /** Drops every series of a ModelDeployment that is gone. */
  public void forget(String namespace, String name) {
    retraining.forget(namespace, name);
    Series series = deployments.remove(new Key(namespace, name));
    if (series != null) {
      synchronized (series) {
        series.meters.forEach(registry::remove);
        series.versionMeters.values().forEach(m -> m.forEach(registry::remove));
        if (series.info != null) {
          registry.remove(series.info);
        }
      }
    }
  }

  private static double orNaN(Number value) {
    return value == null ? Double.NaN : value.doubleValue();
  }

  /** The live values of one ModelDeployment, read by its gauges. */
  private final class Series {
    private final Key key;
    private final List<Meter> meters = new ArrayList<>();
    private final Map<String, List<Meter>> versionMeters = new HashMap<>();
    private final Map<String, int[]> replicas = new ConcurrentHashMap<>();
    private final Map<AnalysisMetric, Instant> lastCounted = new EnumMap<>(AnalysisMetric.class);
    private final Map<String, Counter> verdicts = new HashMap<>();
    private volatile Phase phase;
    private volatile DriftLevel driftLevel;
    private volatile double desiredWeight = Double.NaN;
    private volatile double actualWeight = Double.NaN;
    private volatile double step = Double.NaN;
    private volatile double driftScore = Double.NaN;
    private volatile double accuracy = Double.NaN;
    private volatile double accuracyDrop = Double.NaN;
    private Meter info;
    private Tags infoTags;

    Series(Key key, ModelDeploymentStatus first) {
      this.key = key;
      Tags tags = key.tags();
      for (Phase p : Phase.values()) {
        meters.add(
            Gauge.builder("modelship.modeldeployment.phase", this, s -> s.phase == p ? 1 : 0)
                .description("1 for the ModelDeployment's current phase, 0 for the others")
                .tags(tags)
                .tag("phase", p.name())
                .register(registry));
      }
      for (DriftLevel level : DriftLevel.values()) {
        meters.add(
            Gauge.builder(
                    "modelship.modeldeployment.drift.status",
                    this,
                    s -> s.driftLevel == level ? 1 : 0)
                .description("1 for the ModelDeployment's current drift status, 0 for the others")
                .tags(tags)
                .tag("status", level.name())
                .register(registry));
      }
      meters.add(
          Gauge.builder(
                  "modelship.modeldeployment.desired.weight.percent", this, s -> s.desiredWeight)
              .description("Percent of traffic the current rollout step wants on the new version")
              .tags(tags)
              .register(registry));
      meters.add(
          Gauge.builder(
                  "modelship.modeldeployment.actual.weight.percent", this, s -> s.actualWeight)
              .description("Percent of traffic on the new version as the router has it in force")
              .tags(tags)
              .register(registry));
      meters.add(
          Gauge.builder("modelship.modeldeployment.current.step", this, s -> s.step)
              .description("Index of the canary step in progress (NaN without a rollout)")
              .tags(tags)
              .register(registry));
      meters.add(
          Gauge.builder("modelship.modeldeployment.drift.score", this, s -> s.driftScore)
              .description("Overall drift score of the serving pods, as in status.drift.score")
              .tags(tags)
              .register(registry));
      meters.add(
          Gauge.builder("modelship.modeldeployment.accuracy", this, s -> s.accuracy)
              .description("Rolling accuracy on labelled feedback, as in status.accuracy.current")
              .tags(tags)
              .register(registry));
      meters.add(
          Gauge.builder("modelship.modeldeployment.accuracy.drop", this, s -> s.accuracyDrop)
              .description("Baseline accuracy minus rolling accuracy, as in status.accuracy.drop")
              .tags(tags)
              .register(registry));
      for (AnalysisMetric metric : AnalysisMetric.values()) {
        for (Verdict verdict : Verdict.values()) {
          Counter counter =
              Counter.builder("modelship.analysis.verdicts")
                  .description("Judgements of a rollout's new version, by metric and result")
                  .tags(tags)
                  .tag("metric", metric.name())
                  .tag("result", verdict.name().toLowerCase(Locale.ROOT))
                  .register(registry);
          verdicts.put(metric.name() + '|' + verdict.name(), counter);
          meters.add(counter);
        }
      }
      // Measurements already in the status when this operator first sees the resource were
      // counted by the operator that made them.
      measurements(first)
          .forEach(m -> lastCounted.merge(m.getMetric(), time(m), (a, b) -> a.isAfter(b) ? a : b));
    }

    void update(ModelDeployment md, ModelDeploymentStatus status, List<Deployment> deployments) {
      phase = status.getPhase();
      RolloutStatus rollout = status.getRollout();
      desiredWeight =
          orNaN(rollout == null ? status.getCanaryWeight() : rollout.getDesiredWeight());
      actualWeight = orNaN(rollout == null ? status.getCanaryWeight() : rollout.getActualWeight());
      step = orNaN(status.getCurrentStep());
      driftScore = status.getDrift() == null ? Double.NaN : orNaN(status.getDrift().getScore());
      driftLevel = status.getDrift() == null ? null : status.getDrift().getStatus();
      accuracy =
          status.getAccuracy() == null ? Double.NaN : orNaN(status.getAccuracy().getCurrent());
      accuracyDrop =
          status.getAccuracy() == null ? Double.NaN : orNaN(status.getAccuracy().getDrop());
      info(md, status);
      replicas(deployments);
      for (Measurement m : measurements(status)) {
        Instant at = time(m);
        Instant last = lastCounted.get(m.getMetric());
        if (m.getMetric() == null
            || m.getVerdict() == null
            || (last != null && !at.isAfter(last))) {
          continue;
        }
        lastCounted.put(m.getMetric(), at);
        verdicts.get(m.getMetric().name() + '|' + m.getVerdict().name()).increment();
      }
    }

    private void info(ModelDeployment md, ModelDeploymentStatus status) {
      var spec = md.getSpec();
      String model =
          status.getModelName() != null
              ? status.getModelName()
              : spec != null && spec.getModel() != null && spec.getModel().getName() != null
                  ? spec.getModel().getName()
                  : key.name();
      String strategy =
          spec != null && spec.getRollout() != null && spec.getRollout().getStrategy() != null
              ? spec.getRollout().getStrategy().name()
              : "RollingUpdate";
      Tags tags =
          key.tags()
              .and(
                  "model",
                  model,
                  "stable_version",
                  Objects.requireNonNullElse(status.getStableVersion(), ""),
                  "canary_version",
                  Objects.requireNonNullElse(status.getCanaryVersion(), ""),
                  "strategy",
                  strategy);
      if (tags.equals(infoTags)) {
        return;
      }
      if (info != null) {
        registry.remove(info);
      }
      infoTags = tags;
      info =
          Gauge.builder("modelship.modeldeployment.info", () -> 1)
              .description(
                  "1, with the ModelDeployment's model, stable and canary version and strategy as labels")
              .tags(tags)
              .register(registry);
    }

    private void replicas(List<Deployment> deployments) {
      var seen = new HashMap<String, int[]>();
      for (Deployment d : deployments) {
        String version =
            d.getMetadata().getLabels() == null
                ? null
                : d.getMetadata().getLabels().get(ServingNames.LABEL_VERSION);
        if (version == null) {
          continue;
        }
        int[] counts = seen.computeIfAbsent(version, v -> new int[2]);
        if (d.getStatus() != null) {
          counts[0] += Objects.requireNonNullElse(d.getStatus().getReplicas(), 0);
          counts[1] += Objects.requireNonNullElse(d.getStatus().getReadyReplicas(), 0);
        }
      }
      for (String gone : List.copyOf(versionMeters.keySet())) {
        if (!seen.containsKey(gone)) {
          versionMeters.remove(gone).forEach(registry::remove);
          replicas.remove(gone);
        }
      }
      seen.forEach(
          (version, counts) -> {
            replicas.put(version, counts);
            versionMeters.computeIfAbsent(
                version,
                v ->
                    List.of(
                        Gauge.builder(
                                "modelship.modeldeployment.replicas",
                                this,
                                s -> s.replicaCount(v, 0))
                            .description("Pods of a version's serving Deployment")
                            .tags(key.tags())
                            .tag("version", v)
                            .register(registry),
                        Gauge.builder(
                                "modelship.modeldeployment.ready.replicas",
                                this,
                                s -> s.replicaCount(v, 1))
                            .description("Ready pods of a version's serving Deployment")
                            .tags(key.tags())
                            .tag("version", v)
                            .register(registry)));
          });
    }

    private double replicaCount(String version, int which) {
      int[] counts = replicas.get(version);
      return counts == null ? Double.NaN : counts[which];
    }
  }

  private static List<Measurement> measurements(ModelDeploymentStatus status) {
    if (status == null
        || status.getRollout() == null
        || status.getRollout().getAnalysis() == null
        || status.getRollout().getAnalysis().getMeasurements() == null) {
      return List.of();
    }
    return status.getRollout().getAnalysis().getMeasurements();
  }

  private static Instant time(Measurement m) {
    try {
      return m.getTime() == null ? Instant.EPOCH : Instant.parse(m.getTime());
    } catch (java.time.format.DateTimeParseException e) {
      return Instant.EPOCH;
    }
  }
}
