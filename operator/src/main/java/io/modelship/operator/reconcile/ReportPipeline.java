package io.modelship.operator.reconcile;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.modelship.api.v1alpha1.ModelDeployment;
import io.modelship.api.v1alpha1.ModelPackageReference;
import io.modelship.api.v1alpha1.RuntimeReport;
import io.modelship.api.v1alpha1.report.RuntimeReportSpec;
import io.modelship.drift.DriftThresholds;
import io.modelship.operator.dependent.EffectiveMonitoring;
import io.modelship.operator.dependent.ServingNames;
import io.modelship.operator.reports.ReportAggregation;
import io.modelship.operator.reports.ReportHistory;
import io.modelship.operator.reports.ReportReferences;
import io.modelship.operator.reports.ReportValidation;
import io.modelship.operator.reports.VersionAggregate;
import io.modelship.operator.signing.SigningKeys;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RuntimeReports and ModelPackageReferences of one ModelDeployment, from what the informer
 * holds to the aggregates the planner judges and the status shows: signatures checked, reference
 * objects kept or removed, ignored reports warned about once, the traffic history fed, then
 * aggregated per version, once per reconcile.
 */
final class ReportPipeline {

  private static final Logger log = LoggerFactory.getLogger(ReportPipeline.class);

  /**
   * Each resource's traffic history from its pods' cumulative reports; in memory, so empty after a
   * restart.
   */
  private final Map<ResourceID, ReportHistory> histories = new ConcurrentHashMap<>();

  /**
   * A history not fed for this long belongs to a deleted (or report-less) resource and is dropped.
   */
  static final Duration HISTORY_IDLE = Duration.ofHours(1);

  /**
   * The reason each ignored report was last warned about, so an Event is recorded once per cause.
   */
  private final Map<String, String> warned = new ConcurrentHashMap<>();

  private final ReferenceKeeper referenceKeeper = new ReferenceKeeper();
  private final SigningKeys keys;
  private final EventRecorder events;

  ReportPipeline(SigningKeys keys, EventRecorder events) {
    this.keys = keys;
    this.events = events;
  }

  /**
   * What the reports say this reconcile.
   *
   * @param reports every RuntimeReport of the resource
   * @param history the resource's traffic history, fed with this reconcile's reports
   * @param aggregates the accepted reports aggregated per version
   */
  record Reported(
      List<RuntimeReport> reports,
      DriftThresholds thresholds,
      ReportHistory history,
      Map<String, VersionAggregate> aggregates) {}

  Reported observe(
      ModelDeployment md,
      List<RuntimeReport> all,
      List<ModelPackageReference> allReferences,
      Set<Pod> pods,
      EffectiveMonitoring monitoring,
      Duration interval,
      Instant now,
      KubernetesClient client) {
    byte[] reportKey = keys.reportKey(md);
    var references =
        ReportValidation.signedReferences(md.getMetadata().getName(), reportKey, allReferences);
    var validated =
        ReportValidation.validate(md.getMetadata().getName(), reportKey, all, livePods(pods));
    var ignored = new ArrayList<>(validated.rejected());
    ignored.addAll(references.rejected());
    warnIgnored(md, ignored, client);
    removeUnsigned(md, allReferences, references.accepted(), client);
    removeUnusedReferences(md, references.accepted(), pods, client);
    referenceKeeper.keep(md, references.accepted(), validated.accepted().values(), client, now);
    Map<String, RuntimeReportSpec> liveReports =
        ReportReferences.attach(
            validated.accepted(), references.accepted(), md.getMetadata().getUid());
    var thresholds = new DriftThresholds(monitoring.warning(), monitoring.threshold());
    ReportHistory history = history(md, liveReports, interval, now);
    var aggregates =
        ReportAggregation.byVersion(
            liveReports,
            thresholds,
            history,
            monitoring.windowSize(),
            Math.max(
                monitoring.accuracyMinSamples(), DriftThresholds.DEFAULT_ACCURACY_WINDOW_SIZE));
    return new Reported(all, thresholds, history, aggregates);
  }

  /**
   * Feeds the live reports into the resource's history (one point per fifth of a report interval at
   * most) and drops the histories of resources not seen for {@link #HISTORY_IDLE}.
   */
  private ReportHistory history(
      ModelDeployment md, Map<String, RuntimeReportSpec> reports, Duration interval, Instant now) {
    histories.values().removeIf(h -> h.lastSeen().isBefore(now.minus(HISTORY_IDLE)));
    ReportHistory history =
        histories.computeIfAbsent(ResourceID.fromResource(md), id -> new ReportHistory());
    Duration spacing = interval.dividedBy(5);
    history.observe(
        reports,
        now,
        spacing.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : spacing);
    return history;
  }

  private static List<ReportValidation.LivePod> livePods(Set<Pod> pods) {
    return pods.stream()
        .map(
            p ->
                new ReportValidation.LivePod(
                    p.getMetadata().getName(),
                    p.getMetadata().getUid(),
                    p.getMetadata().getLabels() == null
                        ? null
                        : p.getMetadata().getLabels().get(ServingNames.LABEL_VERSION)))
        .toList();
  }

  /**
   * Deletes reference objects not signed by this ModelDeployment's pods (best effort): one planted
   * or altered by another deployment's pod, or left unsigned by an older runtime. A pod of ours
   * then creates it again, signed, or {@link ReferenceKeeper} puts back the last signed copy.
   */
  private static void removeUnsigned(
      ModelDeployment md,
      List<ModelPackageReference> references,
      List<ModelPackageReference> signed,
      KubernetesClient client) {
    for (ModelPackageReference reference : references) {
      if (signed.contains(reference)) {
        continue;
      }
      try {
        // Only the object we judged: one rewritten meanwhile (by a pod of ours, signed) stays.
        client.resource(reference).lockResourceVersion().delete();
        log.info(
            "Deleted reference {} of {}: not signed by its pods",
            reference.getMetadata().getName(),
            md.getMetadata().getName());
      } catch (KubernetesClientException e) {
        log.warn(
            "Could not delete reference {}: {}", reference.getMetadata().getName(), e.getMessage());
      }
    }
  }

  /**
   * Deletes the reference objects of versions no pod serves any more (best effort). Keyed by
   * version rather than by the reports seen, so a reference written just before its pod's first
   * report reaches our cache is never taken for an orphan.
   */
  private static void removeUnusedReferences(
      ModelDeployment md,
      List<ModelPackageReference> references,
      Set<Pod> pods,
      KubernetesClient client) {
    Set<String> served =
        pods.stream()
            .map(
                p ->
                    p.getMetadata().getLabels() == null
                        ? null
                        : p.getMetadata().getLabels().get(ServingNames.LABEL_VERSION))
            .filter(java.util.Objects::nonNull)
            .collect(Collectors.toSet());
    if (served.isEmpty()) {
      return; // a cache not yet synced, or scaled to zero: keep references rather than guess
    }
    for (ModelPackageReference reference : references) {
      String version = reference.getMetadata().getLabels().get(RuntimeReport.LABEL_VERSION);
      if (version == null || served.contains(version)) {
        continue;
      }
      try {
        client.resource(reference).delete();
        log.info(
            "Deleted reference {} of version {}: no pod serves it",
            reference.getMetadata().getName(),
            version);
      } catch (KubernetesClientException e) {
        log.warn(
            "Could not delete reference {}: {}", reference.getMetadata().getName(), e.getMessage());
      }
    }
  }

  /** A Warning Event naming the pod, once per pod and reason; never fails the reconcile. */
  private void warnIgnored(
      ModelDeployment md, List<ReportValidation.Rejection> rejected, KubernetesClient client) {
    String prefix = md.getMetadata().getNamespace() + "/" + md.getMetadata().getName() + "/";
    var current = new HashMap<String, String>();
    for (var rejection : rejected) {
      current.put(prefix + rejection.pod(), rejection.reason());
      if (!rejection.reason().equals(warned.get(prefix + rejection.pod()))) {
        log.warn(
            "Ignoring RuntimeReport {} in {}: {}",
            rejection.pod(),
            md.getMetadata().getNamespace(),
            rejection.reason());
        events.record(
            md,
            new TransitionEvents.Transition(
                "Warning",
                "RuntimeReportIgnored",
                "Ignored the RuntimeReport of pod " + rejection.pod() + ": " + rejection.reason()),
            client);
      }
    }
    warned.keySet().removeIf(key -> key.startsWith(prefix) && !current.containsKey(key));
    warned.putAll(current);
  }
}
