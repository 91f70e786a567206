package io.modelship.local.autoscale;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerCondition;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerStatus;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricStatus;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.modelship.local.autoscale.ReplicaCalculator.MetricUnavailable;
import io.modelship.local.autoscale.ReplicaCalculator.PodView;
import io.modelship.local.autoscale.ReplicaCalculator.Proposal;
import io.modelship.local.autoscale.ScalingBehavior.Decision;
import io.modelship.local.autoscale.ScalingBehavior.Recommendation;
import io.modelship.local.autoscale.ScalingBehavior.ScaleEvent;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kube-controller-manager's horizontal-pod-autoscaler controller for local mode: every sync period,
 * for each autoscaling/v2 HPA, reads its Deployment and the pods it selects, asks {@link
 * PodMetrics} for each metric ({@code Resource} cpu as Utilization or AverageValue, and the Pods
 * metrics the adapter serves), lets {@link ReplicaCalculator} propose a count per metric and {@link
 * ScalingBehavior} decide from the highest, writes the Deployment's {@code spec.replicas} and the
 * HPA's status (currentReplicas, desiredReplicas, currentMetrics, lastScaleTime, conditions
 * AbleToScale, ScalingActive, ScalingLimited), and records a {@code SuccessfulRescale} Event, as
 * the real controller does.
 */
public final class HorizontalPodAutoscalerController implements AutoCloseable {

  private static final Logger log =
      LoggerFactory.getLogger(HorizontalPodAutoscalerController.class);

  /**
   * The controller's flags: {@code --horizontal-pod-autoscaler-sync-period} (15 s), {@code
   * -downscale-stabilization} (5 min), {@code -tolerance} (0.1), {@code -cpu-initialization-period}
   * (5 min), {@code -initial-readiness-delay} (30 s).
   */
  public record Settings(
      Duration syncPeriod,
      Duration downscaleStabilization,
      double tolerance,
      Duration cpuInitializationPeriod,
      Duration initialReadinessDelay) {

    public static Settings defaults() {
      return new Settings(
          Duration.ofSeconds(15),
          Duration.ofMinutes(5),
          ReplicaCalculator.DEFAULT_TOLERANCE,
          Duration.ofMinutes(5),
          Duration.ofSeconds(30));
    }

    public Settings withSyncPeriod(Duration period) {
      return new Settings(
          period,
          downscaleStabilization,
          tolerance,
          cpuInitializationPeriod,
          initialReadinessDelay);
    }

    public Settings withDownscaleStabilization(Duration window) {
      return new Settings(
          syncPeriod, window, tolerance, cpuInitializationPeriod, initialReadinessDelay);
    }
  }

  /** What the controller remembers of one HPA between syncs, as the real one keeps in memory. */
  private static final class History {
    final List<Recommendation> recommendations = new ArrayList<>();
    final List<ScaleEvent> up = new ArrayList<>();
    final List<ScaleEvent> down = new ArrayList<>();

    void forgetBefore(Instant cutoff) {
      recommendations.removeIf(r -> r.at().isBefore(cutoff));
      up.removeIf(e -> e.at().isBefore(cutoff));
      down.removeIf(e -> e.at().isBefore(cutoff));
    }
  }

  private final KubernetesClient client;
  private final PodMetrics metrics;
  private final Settings settings;
  private final Map<String, History> histories = new ConcurrentHashMap<>();
  private final ScheduledExecutorService loop =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().daemon().name("hpa-controller").factory());

  public HorizontalPodAutoscalerController(
      KubernetesClient client, PodMetrics metrics, Settings settings) {
    this.client = client;
    this.metrics = metrics;
    this.settings = settings;
  }

  public HorizontalPodAutoscalerController start() {
    long period = settings.syncPeriod().toMillis();
    loop.scheduleWithFixedDelay(this::syncSafely, period, period, TimeUnit.MILLISECONDS);
    return this;
  }

  public Settings settings() {
    return settings;
  }

  private void syncSafely() {
    try {
      sync(Instant.now());
    } catch (KubernetesClientException e) {
      log.debug("hpa controller: {}", e.getMessage());
    } catch (RuntimeException e) {
      log.warn("hpa controller sync failed", e);
    }
  }

  /** One pass over every HPA. */
  void sync(Instant now) {
    Set<String> seen = new HashSet<>();
    Set<String> podUids = new HashSet<>();
    for (HorizontalPodAutoscaler hpa :
        client.autoscaling().v2().horizontalPodAutoscalers().inAnyNamespace().list().getItems()) {
      String key =
          hpa.getMetadata().getNamespace()
              + "/"
              + hpa.getMetadata().getName()
              + "/"
              + hpa.getMetadata().getUid();
      seen.add(key);
      try {
        reconcile(hpa, histories.computeIfAbsent(key, k -> new History()), now, podUids);
      } catch (KubernetesClientException e) {
        log.debug("hpa {}: {}", key, e.getMessage());
      }
    }
    histories.keySet().retainAll(seen);
    metrics.retain(podUids);
  }

  private void reconcile(
      HorizontalPodAutoscaler hpa, History history, Instant now, Set<String> podUids) {
    String ns = hpa.getMetadata().getNamespace();
    var spec = hpa.getSpec();
    List<HorizontalPodAutoscalerCondition> conditions = new ArrayList<>();
    var ref = spec.getScaleTargetRef();
    Deployment target =
        "Deployment".equals(ref.getKind())
            ? client.apps().deployments().inNamespace(ns).withName(ref.getName()).get()
            : null;
    if (target == null) {
      String why =
          "Deployment".equals(ref.getKind())
              ? "deployments.apps \"" + ref.getName() + "\" not found"
              : "local mode's controller scales Deployments only, not " + ref.getKind();
      conditions.add(
          condition(
              hpa,
              "AbleToScale",
              false,
              "FailedGetScale",
              "the HPA controller was unable to get the target's current scale: " + why,
              now));
      writeStatus(hpa, null, null, List.of(), conditions, null);
      return;
    }
    int current = target.getSpec().getReplicas() == null ? 1 : target.getSpec().getReplicas();
    int min = spec.getMinReplicas() == null ? 1 : spec.getMinReplicas();
    int max = spec.getMaxReplicas();
    ScalingBehavior behavior =
        ScalingBehavior.of(spec.getBehavior(), settings.downscaleStabilization());
    history.forgetBefore(now.minus(behavior.memory()).minusSeconds(1));
    List<Pod> pods =
        target.getSpec().getSelector() == null
            ? List.of()
            : client
                .pods()
                .inNamespace(ns)
                .withLabels(target.getSpec().getSelector().getMatchLabels())
                .list()
                .getItems();
    pods.forEach(p -> podUids.add(p.getMetadata().getUid()));

    int desired;
    String rescaleReason = null;
    List<MetricStatus> statuses = new ArrayList<>();
    if (current == 0 && min != 0) {
      conditions.add(
          condition(
              hpa,
              "AbleToScale",
              true,
              "SucceededGetScale",
              "the HPA controller was able to get the target's current scale",
              now));
      conditions.add(
          condition(
              hpa,
              "ScalingActive",
              false,
              "ScalingDisabled",
              "scaling is disabled since the replica count of the target is zero",
              now));
      writeStatus(hpa, current, 0, statuses, conditions, null);
      return;
    } else if (current > max) {
      desired = max;
      rescaleReason = "Current number of replicas above Spec.MaxReplicas";
    } else if (current < min) {
      desired = min;
      rescaleReason = "Current number of replicas below Spec.MinReplicas";
    } else {
      int proposed = -1;
      String proposedBy = "";
      List<String> failures = new ArrayList<>();
      String failedReason = null;
      for (MetricSpec m : spec.getMetrics()) {
        try {
          Measured measured = measure(m, current, pods, now);
          statuses.add(measured.status());
          if (measured.proposal().replicas() > proposed) {
            proposed = measured.proposal().replicas();
            proposedBy = measured.name();
          }
        } catch (MetricUnavailable e) {
          failures.add(e.getMessage());
          failedReason =
              "Pods".equals(m.getType()) ? "FailedGetPodsMetric" : "FailedGetResourceMetric";
        }
      }
      // As the real controller: with a metric missing it does not scale down on the others.
      if (proposed < 0 || (!failures.isEmpty() && proposed < current)) {
        conditions.add(
            condition(
                hpa,
                "AbleToScale",
                true,
                "SucceededGetScale",
                "the HPA controller was able to get the target's current scale",
                now));
        conditions.add(
            condition(
                hpa,
                "ScalingActive",
                false,
                failedReason == null ? "FailedGetResourceMetric" : failedReason,
                "the HPA was unable to compute the replica count: " + String.join("; ", failures),
                now));
        writeStatus(hpa, current, current, statuses, conditions, null);
        return;
      }
      conditions.add(
          condition(
              hpa,
              "ScalingActive",
              true,
              "ValidMetricFound",
              "the HPA was able to successfully calculate a replica count from " + proposedBy,
              now));
      desired = proposed;
      rescaleReason =
          desired > current
              ? proposedBy + " above target"
              : desired < current ? "All metrics below target" : null;
      Decision decision =
          behavior.decide(
              now,
              current,
              desired,
              min,
              max,
              List.copyOf(history.recommendations),
              List.copyOf(history.up),
              List.copyOf(history.down));
      history.recommendations.add(new Recommendation(now, desired));
      conditions.addFirst(
          condition(hpa, "AbleToScale", true, decision.ableReason(), decision.ableMessage(), now));
      conditions.add(
          condition(
              hpa,
              "ScalingLimited",
              decision.limited(),
              decision.limitedReason(),
              decision.limitedMessage(),
              now));
      desired = decision.replicas();
    }
    String lastScaleTime = hpa.getStatus() == null ? null : hpa.getStatus().getLastScaleTime();
    if (desired != current) {
      int to = desired;
      client
          .apps()
          .deployments()
          .inNamespace(ns)
          .withName(target.getMetadata().getName())
          .patch(
              PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"replicas\":" + desired + "}}");
      if (desired > current) {
        history.up.add(new ScaleEvent(now, desired - current));
      } else {
        history.down.add(new ScaleEvent(now, current - desired));
      }
      lastScaleTime = time(now);
      if (conditions.stream().noneMatch(c -> c.getType().equals("AbleToScale"))) {
        conditions.addFirst(
            condition(
                hpa,
                "AbleToScale",
                true,
                "SucceededRescale",
                "the HPA controller was able to update the target scale to " + desired,
                now));
      } else {
        conditions.replaceAll(
            c ->
                c.getType().equals("AbleToScale")
                    ? condition(
                        hpa,
                        "AbleToScale",
                        true,
                        "SucceededRescale",
                        "the HPA controller was able to update the target scale to " + to,
                        now)
                    : c);
      }
      event(hpa, "SuccessfulRescale", "New size: " + desired + "; reason: " + rescaleReason, now);
      log.info(
          "hpa {}/{}: {} → {} replicas ({})",
          ns,
          hpa.getMetadata().getName(),
          current,
          desired,
          rescaleReason);
    }
    writeStatus(hpa, current, desired, statuses, conditions, lastScaleTime);
  }

  private record Measured(String name, Proposal proposal, MetricStatus status) {}

  private Measured measure(MetricSpec m, int current, List<Pod> pods, Instant now)
      throws MetricUnavailable {
    switch (String.valueOf(m.getType())) {
      case "Resource" -> {
        var resource = m.getResource();
        if (!"cpu".equals(resource.getName())) {
          throw new MetricUnavailable(
              "unable to get metrics for resource "
                  + resource.getName()
                  + ": local mode measures cpu only");
        }
        List<PodView> views = new ArrayList<>();
        for (Pod p : pods) {
          Optional<PodMetrics.Sample> sample = metrics.cpu(p, now);
          views.add(view(p, sample, cpuRequest(p), now));
        }
        var target = resource.getTarget();
        if ("Utilization".equals(target.getType())) {
          Proposal proposal =
              ReplicaCalculator.utilization(
                  current, target.getAverageUtilization(), views, settings.tolerance());
          long averageMilli =
              views.stream()
                      .filter(v -> v.milliValue() != null)
                      .mapToLong(PodView::milliValue)
                      .sum()
                  / Math.max(1, views.stream().filter(v -> v.milliValue() != null).count());
          return new Measured(
              "cpu resource utilization (percentage of request)",
              proposal,
              new MetricStatusBuilder()
                  .withType("Resource")
                  .withNewResource()
                  .withName("cpu")
                  .withNewCurrent()
                  .withAverageUtilization((int) proposal.current())
                  .withAverageValue(milli(averageMilli))
                  .endCurrent()
                  .endResource()
                  .build());
        }
        Proposal proposal =
            ReplicaCalculator.averageValue(
                current, milliOf(target.getAverageValue()), views, settings.tolerance());
        return new Measured(
            "cpu resource",
            proposal,
            new MetricStatusBuilder()
                .withType("Resource")
                .withNewResource()
                .withName("cpu")
                .withNewCurrent()
                .withAverageValue(milli(proposal.current()))
                .endCurrent()
                .endResource()
                .build());
      }
      case "Pods" -> {
        String name = m.getPods().getMetric().getName();
        if (!metrics.serves(name)) {
          throw new MetricUnavailable(
              "unable to get metric "
                  + name
                  + ": no custom metrics adapter rule serves it "
                  + "(local mode serves "
                  + PodMetrics.REQUESTS_PER_SECOND
                  + ")");
        }
        List<PodView> views = new ArrayList<>();
        for (Pod p : pods) {
          views.add(view(p, metrics.requestsPerSecond(p, now), null, now));
        }
        Proposal proposal =
            ReplicaCalculator.averageValue(
                current,
                milliOf(m.getPods().getTarget().getAverageValue()),
                views,
                settings.tolerance());
        return new Measured(
            "pods metric " + name,
            proposal,
            new MetricStatusBuilder()
                .withType("Pods")
                .withNewPods()
                .withNewMetric()
                .withName(name)
                .endMetric()
                .withNewCurrent()
                .withAverageValue(milli(proposal.current()))
                .endCurrent()
                .endPods()
                .build());
      }
      default ->
          throw new MetricUnavailable(
              "local mode's HPA controller reads Resource cpu and Pods metrics, not "
                  + m.getType());
    }
  }

  private PodView view(Pod p, Optional<PodMetrics.Sample> sample, Long request, Instant now) {
    String phase = p.getStatus() == null ? null : p.getStatus().getPhase();
    ReplicaCalculator.Phase ph =
        "Failed".equals(phase)
            ? ReplicaCalculator.Phase.FAILED
            : "Running".equals(phase)
                ? ReplicaCalculator.Phase.RUNNING
                : ReplicaCalculator.Phase.PENDING;
    PodCondition ready =
        p.getStatus() == null || p.getStatus().getConditions() == null
            ? null
            : p.getStatus().getConditions().stream()
                .filter(c -> "Ready".equals(c.getType()))
                .findFirst()
                .orElse(null);
    Instant started =
        p.getStatus() == null || p.getStatus().getStartTime() == null
            ? null
            : Instant.parse(p.getStatus().getStartTime());
    boolean cpuUnready =
        sample.isPresent()
            && ReplicaCalculator.cpuUnready(
                started,
                ready == null ? null : "True".equals(ready.getStatus()),
                ready == null || ready.getLastTransitionTime() == null
                    ? started
                    : Instant.parse(ready.getLastTransitionTime()),
                sample.get().at(),
                sample.get().window(),
                now,
                settings.cpuInitializationPeriod(),
                settings.initialReadinessDelay());
    return new PodView(
        p.getMetadata().getName(),
        ph,
        p.getMetadata().getDeletionTimestamp() != null,
        sample.map(PodMetrics.Sample::milliValue).orElse(null),
        request,
        cpuUnready);
  }

  /** The pod's CPU request in millicores, summed over its containers; null when one has none. */
  private static Long cpuRequest(Pod p) {
    long total = 0;
    for (var c : p.getSpec().getContainers()) {
      Quantity q =
          c.getResources() == null || c.getResources().getRequests() == null
              ? null
              : c.getResources().getRequests().get("cpu");
      if (q == null) {
        return null;
      }
      total += milliOf(q);
    }
    return total;
  }

  static long milliOf(Quantity q) {
    return Quantity.getAmountInBytes(q)
        .movePointRight(3)
        .setScale(0, java.math.RoundingMode.CEILING)
        .longValueExact();
  }

  /**
   * A value in thousandths as Kubernetes writes a quantity: {@code 12500m} → "12500m", 3000 → "3".
   */
  static Quantity milli(long thousandths) {
    return thousandths % 1000 == 0
        ? new Quantity(Long.toString(thousandths / 1000))
        : new Quantity(thousandths + "m");
  }

  private HorizontalPodAutoscalerCondition condition(
      HorizontalPodAutoscaler hpa,
      String type,
      boolean status,
      String reason,
      String message,
      Instant now) {
    String since = time(now);
    if (hpa.getStatus() != null && hpa.getStatus().getConditions() != null) {
      for (var c : hpa.getStatus().getConditions()) {
        if (c.getType().equals(type)
            && c.getStatus().equals(status ? "True" : "False")
            && c.getLastTransitionTime() != null) {
          since = c.getLastTransitionTime();
        }
      }
    }
    return new HorizontalPodAutoscalerCondition(
        since, message, reason, status ? "True" : "False", type);
  }

  private void writeStatus(
      HorizontalPodAutoscaler hpa,
      Integer current,
      Integer desired,
      List<MetricStatus> statuses,
      List<HorizontalPodAutoscalerCondition> conditions,
      String lastScaleTime) {
    HorizontalPodAutoscalerStatus status =
        new HorizontalPodAutoscalerStatus(
            conditions,
            statuses.isEmpty() ? null : statuses,
            current,
            desired,
            lastScaleTime,
            hpa.getMetadata().getGeneration());
    if (Objects.equals(status, hpa.getStatus())) {
      return;
    }
    client
        .autoscaling()
        .v2()
        .horizontalPodAutoscalers()
        .inNamespace(hpa.getMetadata().getNamespace())
        .withName(hpa.getMetadata().getName())
        .editStatus(
            h -> {
              h.setStatus(status);
              return h;
            });
  }

  private void event(HorizontalPodAutoscaler hpa, String reason, String message, Instant now) {
    String ns = hpa.getMetadata().getNamespace();
    try {
      client
          .v1()
          .events()
          .inNamespace(ns)
          .resource(
              new EventBuilder()
                  .withNewMetadata()
                  .withNamespace(ns)
                  .withName(hpa.getMetadata().getName() + "." + Long.toHexString(System.nanoTime()))
                  .endMetadata()
                  .withNewInvolvedObject()
                  .withApiVersion("autoscaling/v2")
                  .withKind("HorizontalPodAutoscaler")
                  .withNamespace(ns)
                  .withName(hpa.getMetadata().getName())
                  .withUid(hpa.getMetadata().getUid())
                  .endInvolvedObject()
                  .withType("Normal")
                  .withReason(reason)
                  .withMessage(message)
                  .withCount(1)
                  .withFirstTimestamp(time(now))
                  .withLastTimestamp(time(now))
                  .withNewSource()
                  .withComponent("horizontal-pod-autoscaler")
                  .endSource()
                  .build())
          .create();
    } catch (KubernetesClientException e) {
      log.debug("event for hpa {} not written: {}", hpa.getMetadata().getName(), e.getMessage());
    }
  }

  private static String time(Instant t) {
    return t.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  @Override
  public void close() {
    loop.shutdownNow();
  }
}
