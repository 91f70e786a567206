package io.modelship.operator.retraining;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.modelship.api.retraining.RetrainJob;
import io.modelship.api.v1alpha1.ModelDeployment;
import io.modelship.api.v1alpha1.status.ModelDeploymentStatus;
import io.modelship.api.v1alpha1.status.Phase;
import io.modelship.api.v1alpha1.status.RetrainingOutcome;
import io.modelship.api.v1alpha1.status.RetrainingStatus;
import io.modelship.operator.dependent.EffectiveMonitoring;
import io.modelship.operator.metrics.RetrainingMetrics;
import io.modelship.operator.problem.Problem;
import io.modelship.operator.settings.OperatorSettings;
import io.modelship.operator.status.Conditions;
import io.modelship.operator.validation.ModelLocation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes the loop (product section 3, "Retraining"): reads the retraining Jobs and their pods from
 * the informer caches, lets {@link RetrainingPlanner} decide, creates the one Job a due trigger
 * asks for, deletes finished Jobs beyond the last few, and puts status.retraining and the
 * Retraining condition into the status this reconcile assembled. Never writes spec.model: a
 * candidate is only recorded, for a person or a pipeline to adopt.
 */
public final class Retraining {

  private static final Logger log = LoggerFactory.getLogger(Retraining.class);

  public static final String JOB_EVENT_SOURCE = "retraining-jobs";

  private final OperatorSettings settings;
  private final RetrainingMetrics metrics;

  public Retraining(OperatorSettings settings, RetrainingMetrics metrics) {
    this.settings = settings;
    this.metrics = metrics;
  }

  /**
   * The retraining Jobs' informer: a Job's completion wakes its ModelDeployment. Their pods carry
   * the operator's managed-by label, so the "pods" informer already holds them.
   */
  public static InformerEventSource<Job, ModelDeployment> eventSource(
      EventSourceContext<ModelDeployment> context) {
    var jobs =
        InformerEventSourceConfiguration.from(Job.class, ModelDeployment.class)
            .withName(JOB_EVENT_SOURCE)
            .withLabelSelector(RetrainJob.RETRAINING_LABEL)
            .withNamespacesInheritedFromController()
            .withSecondaryToPrimaryMapper(
                job -> {
                  Map<String, String> labels = job.getMetadata().getLabels();
                  String owner = labels == null ? null : labels.get(RetrainJob.DEPLOYMENT_LABEL);
                  return owner == null
                      ? Set.of()
                      : Set.of(new ResourceID(owner, job.getMetadata().getNamespace()));
                })
            .build();
    return new InformerEventSource<>(jobs, context);
  }

  /** One reconcile's retraining: decides and acts, and fills in {@code status}. */
  public Round reconcile(
      ModelDeployment md,
      ModelDeploymentStatus status,
      EffectiveMonitoring monitoring,
      Context<ModelDeployment> context,
      Instant now) {
    var observed = observe(md, context, now);
    var retraining =
        Optional.ofNullable(md.getSpec().getRetraining())
            .map(r -> EffectiveRetraining.of(r, settings.allowedImages()));
    var location = ModelLocation.of(md.getSpec().getModel());
    RetrainingPlanner.Plan plan =
        RetrainingPlanner.plan(
            new RetrainingPlanner.Inputs(
                md, status, monitoring, retraining, deferred(md, status, location), observed, now));
    if (plan.start().isPresent()
        && location instanceof ModelLocation.Result.Valid valid
        && retraining.orElseThrow() instanceof EffectiveRetraining.Result.Valid settled) {
      Optional<String> refusal =
          start(md, settled.retraining(), plan.start().get(), valid.location(), context);
      if (refusal.isPresent()) {
        plan = plan.refused(refusal.get(), now);
      }
    }
    prune(md, plan.prune(), context.getClient());

    status.setRetraining(plan.status());
    if (plan.condition().isPresent()) {
      var c = plan.condition().get();
      long generation =
          md.getMetadata().getGeneration() == null ? 0 : md.getMetadata().getGeneration();
      List<Condition> previous = md.getStatus() == null ? null : md.getStatus().getConditions();
      var conditions =
          new ArrayList<>(Objects.requireNonNullElse(status.getConditions(), List.of()));
      conditions.addAll(
          new Conditions(previous, generation, now)
              .set(RetrainingPlanner.CONDITION, c.status(), c.reason(), c.message())
              .build());
      status.setConditions(List.copyOf(conditions));
    }
    return new Round(md, plan, retraining.isPresent(), metrics, now);
  }

  /**
   * Why a run may not start now, or empty when the spec's version serves alone: a spec the operator
   * refuses to serve (an image outside the allowed registries, plain http:// without a sha256 when
   * that is required…) is not retrained either, and a candidate of a version about to be replaced
   * is of no use.
   */
  static Optional<Problem> deferred(
      ModelDeployment md, ModelDeploymentStatus status, ModelLocation.Result location) {
    String version = md.getSpec().getModel().getVersion();
    if (status.getPhase() == Phase.Failed || location instanceof ModelLocation.Result.Invalid) {
      String why =
          Conditions.find(status.getConditions(), Conditions.READY)
              .map(Condition::getMessage)
              .orElse("spec.model cannot be served");
      return Optional.of(
          new Problem("WaitingForValidSpec", "the spec's problem is fixed (" + why + ")"));
    }
    if (!version.equals(status.getStableVersion()) || status.getCanaryVersion() != null) {
      return Optional.of(
          new Problem(
              "WaitingForRollout",
              "version "
                  + version
                  + " serves alone"
                  + (status.getStableVersion() == null
                      ? ""
                      : " (version " + status.getStableVersion() + " serves now)")));
    }
    return Optional.empty();
  }

  private static List<RetrainingPlanner.ObservedJob> observe(
      ModelDeployment md, Context<ModelDeployment> context, Instant now) {
    Map<String, List<Pod>> pods =
        context.getSecondaryResources(Pod.class).stream()
            .filter(p -> p.getMetadata().getLabels() != null)
            .filter(p -> p.getMetadata().getLabels().containsKey(RetrainJob.RETRAINING_LABEL))
            .collect(
                Collectors.groupingBy(
                    p -> p.getMetadata().getLabels().get(RetrainJob.RETRAINING_LABEL)));
    var observed = new ArrayList<RetrainingPlanner.ObservedJob>();
    for (Job job : context.getSecondaryResources(Job.class)) {
      var labels = job.getMetadata().getLabels();
      if (labels == null
          || !md.getMetadata().getName().equals(labels.get(RetrainJob.DEPLOYMENT_LABEL))) {
        continue;
      }
      var number = RetrainJobs.number(md, job.getMetadata().getName());
      if (number.isEmpty()) {
        continue;
      }
      String created = job.getMetadata().getCreationTimestamp();
      observed.add(
          new RetrainingPlanner.ObservedJob(
              job.getMetadata().getName(),
              number.getAsInt(),
              Objects.requireNonNullElse(job.getMetadata().getAnnotations(), Map.of()),
              created(created, now),
              JobResult.of(job, pods.getOrDefault(job.getMetadata().getName(), List.of()), now)));
    }
    return observed;
  }

  private static Instant created(String timestamp, Instant fallback) {
    try {
      return timestamp == null ? fallback : Instant.parse(timestamp);
    } catch (RuntimeException e) {
      return fallback;
    }
  }

  /**
   * Creates the run's ServiceAccount (once; 409 means it is there) and its Job. Returns the API
   * server's message when it refuses the Job with a 4xx a retry will not change; other errors go to
   * JOSDK's retry (the status, not yet written, does not record the run).
   */
  private Optional<String> start(
      ModelDeployment md,
      EffectiveRetraining retraining,
      RetrainJobs.Run run,
      ModelLocation location,
      Context<ModelDeployment> context) {
    KubernetesClient client = context.getClient();
    String namespace = md.getMetadata().getNamespace();
    Job job = RetrainJobs.desired(md, retraining, run, location, settings);
    try {
      try {
        client
            .serviceAccounts()
            .inNamespace(namespace)
            .resource(RetrainJobs.serviceAccount(md))
            .create();
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
      }
      Job created = client.batch().v1().jobs().inNamespace(namespace).resource(job).create();
      // The next reconcile (woken by our own status write) must see the Job, not take it for gone.
      if (context.eventSourceRetriever().getEventSourceFor(Job.class, JOB_EVENT_SOURCE)
          instanceof InformerEventSource<Job, ModelDeployment> jobs) {
        jobs.handleRecentResourceCreate(ResourceID.fromResource(created), created);
      }
      log.info(
          "{}/{}: started retraining Job {}",
          namespace,
          md.getMetadata().getName(),
          job.getMetadata().getName());
      return Optional.empty();
    } catch (KubernetesClientException e) {
      int code = e.getCode();
      if (code >= 400 && code < 500 && code != 408 && code != 429) {
        String message =
            e.getStatus() != null && e.getStatus().getMessage() != null
                ? e.getStatus().getMessage()
                : e.getMessage();
        log.warn(
            "{}/{}: retraining Job refused ({}): {}",
            namespace,
            md.getMetadata().getName(),
            code,
            message);
        return Optional.of(JobResult.shorten(message) + " (HTTP " + code + ")");
      }
      throw e;
    }
  }

  /** Best effort: a Job left over is deleted at the next reconcile. */
  private static void prune(ModelDeployment md, List<String> names, KubernetesClient client) {
    for (String name : names) {
      try {
        client
            .batch()
            .v1()
            .jobs()
            .inNamespace(md.getMetadata().getNamespace())
            .withName(name)
            .withPropagationPolicy(DeletionPropagation.BACKGROUND)
            .delete();
      } catch (KubernetesClientException e) {
        log.warn("Could not delete finished retraining Job {}: {}", name, e.getMessage());
      }
    }
  }

  /** What one reconcile decided, for the Events and metrics once the status is written. */
  public static final class Round {
    private final ModelDeployment md;
    private final RetrainingPlanner.Plan plan;
    private final boolean configured;
    private final RetrainingMetrics metrics;
    private final Instant now;

    Round(
        ModelDeployment md,
        RetrainingPlanner.Plan plan,
        boolean configured,
        RetrainingMetrics metrics,
        Instant now) {
      this.md = md;
      this.plan = plan;
      this.configured = configured;
      this.metrics = metrics;
      this.now = now;
    }

    /** Where a retraining Event goes: (type, reason, message). */
    public interface EventSink {
      void record(String type, String reason, String message);
    }

    /** Records the Events and counts the runs that ended; call once the status is written. */
    public void announce(EventSink events) {
      String namespace = md.getMetadata().getNamespace();
      String name = md.getMetadata().getName();
      for (RetrainingEvent event : plan.events()) {
        events.record(event.type(), event.reason(), event.message());
        if (event.kind() == RetrainingEvent.Kind.ENDED && event.trigger().isPresent()) {
          metrics.ended(namespace, name, event.trigger().get(), event.outcome().orElseThrow());
        }
      }
      if (configured || plan.status() != null) {
        RetrainingStatus status = plan.status();
        boolean running =
            status != null
                && status.getRuns() != null
                && status.getRuns().stream()
                    .anyMatch(r -> r.getOutcome() == RetrainingOutcome.Running);
        metrics.observe(namespace, name, running);
      }
    }

    /** {@code control}, rescheduled sooner when retraining wants to look again before it would. */
    public <P extends HasMetadata> UpdateControl<P> sooner(UpdateControl<P> control) {
      Optional<Duration> mine = lookAgain().map(d -> d.plusMillis(50));
      if (mine.isEmpty()) {
        return control;
      }
      Optional<Long> theirs = control.getScheduleDelay();
      if (theirs.isPresent() && theirs.get() <= mine.get().toMillis()) {
        return control;
      }
      return control.rescheduleAfter(mine.get());
    }

    /** When retraining wants to look again without any event (a drift duration, a schedule). */
    public Optional<Duration> lookAgain() {
      return plan.lookAgainAt()
          .map(t -> Duration.between(now, t))
          .map(d -> d.isNegative() ? Duration.ZERO : d);
    }
  }
}
