package io.modelship.operator.status;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.modelship.api.v1alpha1.ModelDeployment;
import io.modelship.api.v1alpha1.status.AccuracySummary;
import io.modelship.api.v1alpha1.status.DriftLevel;
import io.modelship.api.v1alpha1.status.DriftSummary;
import io.modelship.api.v1alpha1.status.ErrorSummary;
import io.modelship.api.v1alpha1.status.ModelDeploymentStatus;
import io.modelship.api.v1alpha1.status.Phase;
import io.modelship.api.v1alpha1.status.RolloutRecord;
import io.modelship.api.v1alpha1.status.RolloutStatus;
import io.modelship.drift.DriftReport;
import io.modelship.drift.DriftStatistic;
import io.modelship.drift.DriftStatus;
import io.modelship.drift.DriftThresholds;
import io.modelship.drift.FeatureDrift;
import io.modelship.operator.dependent.EffectiveMonitoring;
import io.modelship.operator.dependent.ServingNames;
import io.modelship.operator.problem.Problem;
import io.modelship.operator.reports.ErrorAggregate;
import io.modelship.operator.reports.VersionAggregate;
import io.modelship.operator.rollout.plan.RolloutPlan;
import io.modelship.operator.text.Plural;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one place the operator's part of the status is built: a fresh object from one {@link
 * Observation}, never the pods' {@code runtimeReports}.
 */
public final class StatusAggregator {

  static final int HISTORY_LIMIT = 10;

  private StatusAggregator() {}

  public static ModelDeploymentStatus assemble(Observation o) {
    ModelDeployment md = o.resource();
    ModelDeploymentStatus previous =
        md.getStatus() == null ? new ModelDeploymentStatus() : md.getStatus();
    long generation =
        md.getMetadata().getGeneration() == null ? 0 : md.getMetadata().getGeneration();
    String target = md.getSpec().getModel().getVersion();

    var status = new ModelDeploymentStatus();
    status.setObservedGeneration(generation);
    status.setUrl(
        "http://"
            + md.getMetadata().getName()
            + "."
            + md.getMetadata().getNamespace()
            + ".svc.cluster.local");
    status.setModelName(ServingNames.modelName(md));
    status.setStrategy(
        md.getSpec().getRollout() == null || md.getSpec().getRollout().getStrategy() == null
            ? io.modelship.api.v1alpha1.spec.RolloutStrategy.RollingUpdate
            : md.getSpec().getRollout().getStrategy());
    status.setReplicas(
        o.deployments().stream().map(Deployment::getStatus).mapToInt(s -> count(s, true)).sum());
    status.setReadyReplicas(
        o.deployments().stream().map(Deployment::getStatus).mapToInt(s -> count(s, false)).sum());

    String stable = o.plan().map(RolloutPlan::stableVersion).orElse(previous.getStableVersion());
    status.setStableVersion(stable);
    status.setHistory(history(previous, o));
    RolloutStatus rollout = o.plan().map(RolloutPlan::rollout).orElse(previous.getRollout());
    status.setRollout(rollout);
    if (rollout != null
        && rollout.getOutcome() == null
        && rollout.getVersion() != null
        && !rollout.getVersion().equals(stable)
        && rollout.getStartedAt() != null) {
      status.setCanaryVersion(rollout.getVersion());
      status.setCanaryWeight(rollout.getDesiredWeight());
      status.setCurrentStep(rollout.getStepIndex());
    }
    status.setTrafficWeight(trafficWeight(target, stable, status));

    Optional<VersionAggregate> targetReports = Optional.ofNullable(o.reports().get(target));
    String servingVersion = stable != null ? stable : target;
    Optional<VersionAggregate> servingReports =
        Optional.ofNullable(o.reports().get(servingVersion));

    Optional<Problem> loadProblem =
        targetReports
            .filter(r -> !r.loadErrors().isEmpty())
            .map(r -> new Problem("ModelLoadFailed", String.join("; ", r.loadErrors())));
    Optional<Problem> problem = o.specProblem().or(o::podProblem).or(() -> loadProblem);

    var conditions = new Conditions(previous.getConditions(), generation, o.now());
    Phase phase;
    if (o.specProblem().isPresent()) {
      phase = Phase.Failed;
      Problem p = o.specProblem().get();
      conditions.set(Conditions.READY, "False", p.reason(), p.message());
      conditions.set(
          Conditions.PROGRESSING, "False", p.reason(), "Rollout blocked: " + p.message());
    } else {
      RolloutPlan plan = o.plan().orElseThrow();
      if (problem.isPresent()) {
        phase = Phase.Degraded;
        conditions.set(Conditions.READY, "False", problem.get().reason(), problem.get().message());
      } else {
        phase = plan.phase();
        boolean ready = phase == Phase.Healthy || (stable != null && servingCapacity(o));
        boolean noPods = status.getReadyReplicas() == null || status.getReadyReplicas() == 0;
        if (ready && noPods) {
          // replicas: 0 is a valid spec, but nothing answers: `kubectl wait --for=condition=Ready`
          // must not pass.
          conditions.set(
              Conditions.READY,
              "False",
              "ScaledToZero",
              "Version " + servingVersion + " has no pods");
        } else {
          conditions.set(
              Conditions.READY,
              ready ? "True" : "False",
              ready ? "Serving" : "PodsNotReady",
              ready
                  ? "Version "
                      + servingVersion
                      + " serves with "
                      + Plural.count(readyOf(o, servingVersion), "ready pod")
                  : plan.message());
        }
      }
      conditions.set(
          Conditions.PROGRESSING,
          plan.progressing() ? "True" : "False",
          plan.reason(),
          plan.message());
    }
    modelLoaded(conditions, target, targetReports);
    DriftSummary drift =
        servingReports
            .flatMap(VersionAggregate::drift)
            .map(d -> drift(d, o.monitoring()))
            .orElseGet(() -> noDrift(o.monitoring()));
    AccuracySummary accuracy =
        servingReports.flatMap(r -> accuracy(r, o.monitoring())).orElse(null);
    ErrorSummary regressionError =
        servingReports.flatMap(r -> regressionError(r, o.monitoring())).orElse(null);
    drifted(conditions, drift, accuracy, regressionError, servingReports);
    unverified(md)
        .ifPresent(
            message ->
                conditions.set(
                    Conditions.UNVERIFIED_MODEL, "True", "PlainHttpWithoutSha256", message));

    status.setPhase(phase);
    status.setConditions(conditions.build());
    status.setDrift(drift);
    status.setAccuracy(accuracy);
    status.setRegressionError(regressionError);
    return status;
  }

  /**
   * A package over plain http:// without a sha256: served (unless refused by the operator's
   * setting), but said loudly.
   */
  static Optional<String> unverified(ModelDeployment md) {
    return io.modelship.operator.validation.ModelIntegrity.unverified(md.getSpec().getModel());
  }

  /** The share of traffic on {@code target}, so the WEIGHT column always says something. */
  static int trafficWeight(String target, String stable, ModelDeploymentStatus status) {
    if (target.equals(status.getCanaryVersion()) && status.getCanaryWeight() != null) {
      return status.getCanaryWeight();
    }
    return target.equals(stable) ? 100 : 0;
  }

  /** Nothing scorable yet: InsufficientData with no samples, so the DRIFT column is never empty. */
  private static DriftSummary noDrift(EffectiveMonitoring monitoring) {
    var summary = new DriftSummary();
    summary.setMethod(monitoring.methodName());
    summary.setStatus(DriftLevel.InsufficientData);
    summary.setSamples(0L);
    return summary;
  }

  /**
   * Ready pods of one version: status.readyReplicas sums every version's, so right after a
   * promotion it still counts the old version's pods (4 ready with 2 replicas).
   */
  static int readyOf(Observation o, String version) {
    return o.deployments().stream()
        .filter(
            d ->
                d.getMetadata() != null
                    && d.getMetadata().getLabels() != null
                    && version.equals(d.getMetadata().getLabels().get(ServingNames.LABEL_VERSION)))
        .map(Deployment::getStatus)
        .mapToInt(s -> count(s, false))
        .sum();
  }

  /** During a handover the old version's ready pods keep the resource serving. */
  private static boolean servingCapacity(Observation o) {
    return o.deployments().stream().map(Deployment::getStatus).mapToInt(s -> count(s, false)).sum()
        > 0;
  }

  private static int count(DeploymentStatus s, boolean all) {
    if (s == null) {
      return 0;
    }
    Integer value = all ? s.getReplicas() : s.getReadyReplicas();
    return value == null ? 0 : value;
  }

  /**
   * The plan names the outcome of a rollout that ended in this reconcile; the list keeps the
   * latest.
   */
  private static List<RolloutRecord> history(ModelDeploymentStatus previous, Observation o) {
    var history =
        new ArrayList<RolloutRecord>(
            previous.getHistory() == null ? List.of() : previous.getHistory());
    o.plan().flatMap(RolloutPlan::outcome).ifPresent(history::add);
    return history.isEmpty()
        ? null
        : List.copyOf(history.subList(Math.max(0, history.size() - HISTORY_LIMIT), history.size()));
  }

  private static void modelLoaded(
      Conditions conditions, String target, Optional<VersionAggregate> reports) {
    if (reports.isEmpty() || reports.get().pods() == 0) {
      conditions.set(
          Conditions.MODEL_LOADED,
          "Unknown",
          "AwaitingReports",
          "No pod of version " + target + " has reported yet");
      return;
    }
    VersionAggregate r = reports.get();
    if (!r.loadErrors().isEmpty()) {
      conditions.set(
          Conditions.MODEL_LOADED, "False", "ModelLoadFailed", String.join("; ", r.loadErrors()));
    } else if (r.loadedPods() == r.pods()) {
      conditions.set(
          Conditions.MODEL_LOADED,
          "True",
          "ModelLoaded",
          Plural.pods(r.loadedPods()) + " loaded version " + target);
    } else {
      conditions.set(
          Conditions.MODEL_LOADED,
          "False",
          "Loading",
          r.loadedPods() + "/" + r.pods() + " pods loaded version " + target);
    }
  }

  private static void drifted(
      Conditions conditions,
      DriftSummary drift,
      AccuracySummary accuracy,
      ErrorSummary regressionError,
      Optional<VersionAggregate> reports) {
    boolean noDriftData = drift == null || drift.getSamples() == null || drift.getSamples() == 0;
    if (drift != null && drift.getStatus() == DriftLevel.Alert) {
      conditions.set(Conditions.DRIFTED, "True", "DriftAlert", driftMessage(drift));
    } else if (accuracy != null && accuracy.getStatus() == DriftLevel.Alert) {
      conditions.set(
          Conditions.DRIFTED,
          "True",
          "AccuracyDrop",
          String.format(
              "Live accuracy %.4f is %.4f away from the training accuracy %.4f",
              accuracy.getCurrent(), Math.abs(accuracy.getDrop()), accuracy.getBaseline()));
    } else if (regressionError != null && regressionError.getStatus() == DriftLevel.Alert) {
      conditions.set(
          Conditions.DRIFTED,
          "True",
          "ErrorChange",
          String.format(
              "Live MAE %.6g is %.1f%% away from the training MAE %.6g",
              regressionError.getMae(),
              100 * Math.abs(regressionError.getChange()),
              regressionError.getBaselineMae()));
    } else if (!noDriftData && drift.getStatus() == DriftLevel.InsufficientData) {
      conditions.set(
          Conditions.DRIFTED, "Unknown", "InsufficientData", insufficientMessage(drift, accuracy));
    } else if (!noDriftData) {
      conditions.set(
          Conditions.DRIFTED,
          "False",
          drift.getStatus() == DriftLevel.Warning ? "DriftWarning" : "NoDrift",
          driftMessage(drift));
    } else {
      String message =
          reports
              .flatMap(VersionAggregate::driftProblem)
              .orElse("No drift histograms reported yet");
      conditions.set(
          Conditions.DRIFTED,
          "Unknown",
          reports.flatMap(VersionAggregate::driftProblem).isPresent()
              ? "DriftUnscorable"
              : "AwaitingReports",
          message);
    }
  }

  private static String insufficientMessage(DriftSummary drift, AccuracySummary accuracy) {
    String message =
        String.format(
            "%s drift needs %d samples, %d so far",
            drift.getMethod(), drift.getMinSamples(), drift.getSamples());
    if (accuracy != null && accuracy.getStatus() == DriftLevel.InsufficientData) {
      message +=
          String.format(
              "; accuracy needs %d labelled predictions, %d so far",
              accuracy.getMinSamples(), accuracy.getSamples());
    }
    return message;
  }

  private static String driftMessage(DriftSummary drift) {
    String worst =
        drift.getFeatures().entrySet().stream()
            .max(Map.Entry.comparingByValue())
            .map(e -> "; worst feature " + e.getKey() + " at " + round(e.getValue()))
            .orElse("");
    return String.format(
        "%s score %.4f over %d samples%s",
        drift.getMethod(), drift.getScore(), drift.getSamples(), worst);
  }

  public static DriftSummary drift(DriftReport report, EffectiveMonitoring monitoring) {
    DriftStatistic statistic = DriftStatistic.parse(monitoring.methodName());
    var features = new LinkedHashMap<String, Double>();
    double score = 0;
    for (FeatureDrift f : report.features()) {
      double value = statistic.of(f.psi(), f.ks());
      features.put(f.name(), round(value));
      score = Math.max(score, value);
    }
    double prediction = statistic.of(report.prediction().psi(), report.prediction().ks());
    score = Math.max(score, prediction);
    var summary = new DriftSummary();
    summary.setMethod(monitoring.methodName());
    summary.setScore(round(score));
    // Below minSamples a score is noise: report it, but never as a verdict (no Warning, no Alert).
    summary.setStatus(
        report.samples() < monitoring.driftMinSamples()
            ? DriftLevel.InsufficientData
            : level(score, monitoring));
    summary.setMinSamples(monitoring.driftMinSamples());
    summary.setFeatures(features);
    summary.setPrediction(round(prediction));
    summary.setSamples(report.samples());
    return summary;
  }

  static DriftLevel level(double score, EffectiveMonitoring monitoring) {
    DriftStatus status =
        new DriftThresholds(monitoring.warning(), monitoring.threshold()).classify(score);
    return DriftLevel.valueOf(status.name());
  }

  static Optional<AccuracySummary> accuracy(
      VersionAggregate reports, EffectiveMonitoring monitoring) {
    if (reports.accuracy().isEmpty()) {
      return Optional.empty();
    }
    double current = reports.accuracy().get();
    var summary = new AccuracySummary();
    summary.setCurrent(round(current));
    summary.setSamples(reports.accuracyLabelled());
    summary.setStatus(DriftLevel.Normal);
    if (reports.accuracyBaseline() != null) {
      double drop = reports.accuracyBaseline() - current;
      summary.setBaseline(reports.accuracyBaseline());
      summary.setDrop(round(drop));
      // The contract's rule, |A0 - At| > maxDrop: a jump up is as suspicious as a fall.
      summary.setStatus(
          Math.abs(drop) > monitoring.maxAccuracyDrop() ? DriftLevel.Alert : DriftLevel.Normal);
    }
    summary.setMinSamples(monitoring.accuracyMinSamples());
    if (reports.accuracyLabelled() < monitoring.accuracyMinSamples()) {
      summary.setStatus(DriftLevel.InsufficientData);
    }
    return Optional.of(summary);
  }

  /**
   * A regressor's MAE and RMSE over every pod's feedback, against the package's; the runtime's rule
   * made version-wide: |MAE - E0| / E0 > maxDrop alerts, below minSamples feedbacks it is
   * InsufficientData. Empty before any feedback.
   */
  static Optional<ErrorSummary> regressionError(
      VersionAggregate reports, EffectiveMonitoring monitoring) {
    ErrorAggregate errors = reports.regressionError();
    if (errors.mae().isEmpty()) {
      return Optional.empty();
    }
    double mae = errors.mae().get();
    var summary = new ErrorSummary();
    summary.setMae(round(mae));
    summary.setRmse(round(errors.rmse().get()));
    summary.setSamples(errors.count());
    summary.setBaselineMae(errors.baselineMae());
    summary.setBaselineRmse(errors.baselineRmse());
    summary.setStatus(DriftLevel.Normal);
    if (errors.baselineMae() != null && errors.baselineMae() > 0) {
      double change = (mae - errors.baselineMae()) / errors.baselineMae();
      summary.setChange(round(change));
      summary.setStatus(
          Math.abs(change) > monitoring.maxAccuracyDrop() ? DriftLevel.Alert : DriftLevel.Normal);
    }
    summary.setMinSamples(monitoring.accuracyMinSamples());
    if (errors.count() < monitoring.accuracyMinSamples()) {
      summary.setStatus(DriftLevel.InsufficientData);
    }
    return Optional.of(summary);
  }

  /** Six decimals keep the status stable against floating-point noise between reconciles. */
  static double round(double value) {
    return Math.round(value * 1e6) / 1e6;
  }
}
