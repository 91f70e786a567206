package io.modelship.operator.reconcile;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.modelship.api.v1alpha1.ModelDeployment;
import io.modelship.api.v1alpha1.ModelPackageReference;
import io.modelship.api.v1alpha1.RuntimeReport;
import io.modelship.api.v1alpha1.spec.ModelDeploymentSpec;
import io.modelship.api.v1alpha1.status.ModelDeploymentStatus;
import io.modelship.operator.dependent.AutoscalingRequested;
import io.modelship.operator.dependent.EffectiveMonitoring;
import io.modelship.operator.dependent.PreviewRequested;
import io.modelship.operator.dependent.PreviewService;
import io.modelship.operator.dependent.RuntimeRole;
import io.modelship.operator.dependent.RuntimeRoleBinding;
import io.modelship.operator.dependent.RuntimeServiceAccount;
import io.modelship.operator.dependent.ServingAutoscaler;
import io.modelship.operator.dependent.ServingDeployments;
import io.modelship.operator.dependent.ServingDisruptionBudget;
import io.modelship.operator.dependent.ServingNames;
import io.modelship.operator.dependent.ServingPlan;
import io.modelship.operator.dependent.ServingService;
import io.modelship.operator.dependent.VersionServices;
import io.modelship.operator.metrics.OperatorMetrics;
import io.modelship.operator.problem.Problem;
import io.modelship.operator.reports.ReportHistory;
import io.modelship.operator.reports.VersionAggregate;
import io.modelship.operator.retraining.Retraining;
import io.modelship.operator.rollout.analysis.SampleMinimums;
import io.modelship.operator.rollout.analysis.TrafficHistory;
import io.modelship.operator.rollout.analysis.VersionMetrics;
import io.modelship.operator.rollout.plan.ManualControl;
import io.modelship.operator.rollout.plan.RolloutInputs;
import io.modelship.operator.rollout.plan.RolloutPlan;
import io.modelship.operator.rollout.plan.RolloutPlanner;
import io.modelship.operator.rollout.plan.RolloutTransition;
import io.modelship.operator.rollout.traffic.GatewayApiRoute;
import io.modelship.operator.rollout.traffic.VersionObservation;
import io.modelship.operator.settings.OperatorSettings;
import io.modelship.operator.signing.SigningKeys;
import io.modelship.operator.status.Observation;
import io.modelship.operator.status.StatusAggregator;
import io.modelship.operator.validation.ModelIntegrity;
import io.modelship.operator.validation.ModelLocation;
import io.modelship.operator.validation.RolloutValidation;
import io.modelship.operator.validation.RuntimeEnvValidation;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One reconcile reads as: observe, validate, plan, act (the dependents), record status. The
 * workflow is invoked explicitly so a spec the schema could not reject never touches the children.
 */
@ControllerConfiguration(
    name = "modeldeployment",
    // The operator's own status writes and annotations (manual control) must wake it too.
    generationAwareEventProcessing = false)
@Workflow(
    explicitInvocation = true,
    dependents = {
      @Dependent(name = "runtime-service-account", type = RuntimeServiceAccount.class),
      @Dependent(name = "runtime-role", type = RuntimeRole.class),
      // After its Role: kube-apiserver refuses to bind a Role that does not exist yet (escalation
      // check).
      @Dependent(
          name = "runtime-role-binding",
          type = RuntimeRoleBinding.class,
          dependsOn = "runtime-role"),
      @Dependent(name = "deployments", type = ServingDeployments.class),
      @Dependent(name = "service", type = ServingService.class),
      @Dependent(
          name = "preview-service",
          type = PreviewService.class,
          reconcilePrecondition = PreviewRequested.class),
      @Dependent(name = "version-services", type = VersionServices.class),
      @Dependent(
          name = "autoscaler",
          type = ServingAutoscaler.class,
          reconcilePrecondition = AutoscalingRequested.class),
      @Dependent(name = "disruption-budget", type = ServingDisruptionBudget.class)
    })
public class ModelDeploymentReconciler implements Reconciler<ModelDeployment> {

  private static final Logger log = LoggerFactory.getLogger(ModelDeploymentReconciler.class);
  static final String POD_EVENT_SOURCE = "pods";
  static final String REPORT_EVENT_SOURCE = "runtime-reports";
  static final String REFERENCE_EVENT_SOURCE = "package-references";

  private final OperatorSettings settings;
  private final SigningKeys keys;
  private final SigningSecretKeeper signingSecrets;
  private final OperatorMetrics metrics;
  private final Clock clock;
  private final StatusWriteThrottle throttle = new StatusWriteThrottle();
  private final EventRecorder events;
  private final ReportPipeline reportPipeline;
  private final Retraining retraining;

  public ModelDeploymentReconciler(
      OperatorSettings settings, SigningKeys keys, OperatorMetrics metrics, Clock clock) {
    this.settings = settings;
    this.keys = keys;
    this.signingSecrets = new SigningSecretKeeper(keys);
    this.metrics = metrics;
    this.clock = clock;
    this.events = new EventRecorder(clock);
    this.reportPipeline = new ReportPipeline(keys, events);
    this.retraining = new Retraining(settings, metrics.deployments().retraining());
  }

  @Override
  public List<EventSource<?, ModelDeployment>> prepareEventSources(
      EventSourceContext<ModelDeployment> context) {
    var pods =
        InformerEventSourceConfiguration.from(Pod.class, ModelDeployment.class)
            .withName(POD_EVENT_SOURCE)
            .withLabelSelector(ServingNames.MANAGED_SELECTOR)
            .withNamespacesInheritedFromController()
            .withSecondaryToPrimaryMapper(
                pod -> {
                  String owner = pod.getMetadata().getLabels().get(ServingNames.LABEL_DEPLOYMENT);
                  return owner == null
                      ? Set.of()
                      : Set.of(new ResourceID(owner, pod.getMetadata().getNamespace()));
                })
            .build();
    var reports =
        InformerEventSourceConfiguration.from(RuntimeReport.class, ModelDeployment.class)
            .withName(REPORT_EVENT_SOURCE)
            .withLabelSelector(RuntimeReport.LABEL_DEPLOYMENT)
            .withOnUpdateFilter(ReportChange::reconcileAtOnce)
            .withNamespacesInheritedFromController()
            .withSecondaryToPrimaryMapper(
                report -> {
                  String owner =
                      report.getMetadata().getLabels().get(RuntimeReport.LABEL_DEPLOYMENT);
                  return owner == null
                      ? Set.of()
                      : Set.of(new ResourceID(owner, report.getMetadata().getNamespace()));
                })
            .build();
    var references =
        InformerEventSourceConfiguration.from(ModelPackageReference.class, ModelDeployment.class)
            .withName(REFERENCE_EVENT_SOURCE)
            .withLabelSelector(RuntimeReport.LABEL_DEPLOYMENT)
            .withNamespacesInheritedFromController()
            .withSecondaryToPrimaryMapper(
                reference -> {
                  String owner =
                      reference.getMetadata().getLabels().get(RuntimeReport.LABEL_DEPLOYMENT);
                  return owner == null
                      ? Set.of()
                      : Set.of(new ResourceID(owner, reference.getMetadata().getNamespace()));
                })
            .build();
    return List.of(
        new InformerEventSource<>(pods, context),
        new InformerEventSource<>(reports, context),
        new InformerEventSource<>(references, context),
        Retraining.eventSource(context));
  }

  @Override
  public UpdateControl<ModelDeployment> reconcile(
      ModelDeployment md, Context<ModelDeployment> context) {
    metrics.reconciled();
    Instant now = clock.instant();
    ModelDeploymentSpec spec = md.getSpec();
    if (spec == null || spec.getModel() == null) {
      // The CRD's rules reject this; an API server without them must not make us crash-loop.
      log.warn(
          "{}/{} has no spec.model; nothing to reconcile",
          md.getMetadata().getNamespace(),
          md.getMetadata().getName());
      return UpdateControl.noUpdate();
    }
    EffectiveMonitoring monitoring = EffectiveMonitoring.of(spec, settings);
    List<Deployment> deployments = servingDeployments(md, context);
    Set<Pod> pods = context.getSecondaryResources(Pod.class);

    // Observe once: the reports feed both the rollout's judgement and the status.
    Duration interval = Duration.ofSeconds(monitoring.reportIntervalSeconds());
    var reported =
        reportPipeline.observe(
            md,
            reports(md, context),
            references(md, context),
            pods,
            monitoring,
            interval,
            now,
            context.getClient());
    var all = reported.reports();
    var thresholds = reported.thresholds();
    ReportHistory history = reported.history();
    var aggregates = reported.aggregates();

    Optional<Problem> specProblem = Optional.empty();
    Optional<Problem> refused = Optional.empty();
    Optional<RolloutPlan> plan = Optional.empty();
    Optional<Problem> podProblem = PodProblems.of(pods, spec.getModel().getVersion());
    switch (ModelLocation.of(spec.getModel())) {
      case ModelLocation.Result.Invalid invalid ->
          specProblem = Optional.of(new Problem(invalid.reason(), invalid.message()));
      case ModelLocation.Result.Valid valid -> {
        var route = GatewayApiRoute.read(md, context.getClient());
        specProblem =
            missingClaim(md, valid.location(), context.getClient())
                .or(() -> RolloutValidation.problem(spec.getRollout()))
                .or(() -> RuntimeEnvValidation.problem(spec.getRuntime()))
                .or(() -> settings.allowedImages().problem(spec.getRuntime()))
                .or(() -> ModelIntegrity.problem(spec.getModel(), settings.requireSha256ForHttp()))
                .or(() -> GatewayApiRoute.problem(md, route));
        if (specProblem.isEmpty()) {
          RolloutPlan rollout =
              plan(
                  md,
                  deployments,
                  aggregates,
                  history.view(thresholds, d -> StatusAggregator.drift(d, monitoring).getScore()),
                  monitoring,
                  podProblem,
                  route,
                  now);
          plan = Optional.of(rollout);
          new ServingPlan(settings, rollout, valid.location()).attachTo(context);
          refused = act(md, rollout, route, !deployments.isEmpty(), pods, context);
        }
      }
    }
    if (specProblem.isPresent()) {
      podProblem = Optional.empty();
    }
    // A refused child outranks what the pods say: the pods may be of an older, accepted template.
    if (refused.isPresent()) {
      podProblem = refused;
    }

    var observation =
        new Observation(
            md, now, monitoring, specProblem, plan, deployments, podProblem, aggregates);
    ModelDeploymentStatus status = StatusAggregator.assemble(observation);
    Retraining.Round retrain = retraining.reconcile(md, status, monitoring, context, now);
    Optional<Duration> deferred =
        write(
            md,
            status,
            plan.map(RolloutPlan::transitions).orElse(List.of()),
            interval,
            now,
            context);
    metrics.deployments().observe(md, status, deployments);
    retrain.announce(
        (type, reason, message) ->
            events.record(
                md, new TransitionEvents.Transition(type, reason, message), context.getClient()));

    boolean waiting = specProblem.isPresent() || podProblem.isPresent();
    if (waiting) {
      // A missing claim or image may appear without any event we watch: look again, calmly.
      // Figures held back by the interval are written when it ends, not a retry later.
      Duration after =
          deferred
              .filter(d -> d.compareTo(settings.retryAfter()) < 0)
              .map(d -> d.plusMillis(50))
              .orElse(settings.retryAfter());
      return retrain.sooner(UpdateControl.<ModelDeployment>noUpdate().rescheduleAfter(after));
    }
    Optional<Duration> soon = plan.flatMap(RolloutPlan::lookAgain);
    boolean reporting = !all.isEmpty();
    if (reporting || plan.map(RolloutPlan::progressing).orElse(false) || soon.isPresent()) {
      // New counts in a report wake nobody (ReportChange) and silent pods produce no event:
      // re-aggregating once per interval is what sees both. A pause ending or a judgement falling
      // due sooner is looked at then.
      Duration after =
          soon.or(() -> deferred)
              .filter(d -> d.compareTo(interval) < 0)
              .map(d -> d.plusMillis(50))
              .orElse(interval);
      return retrain.sooner(UpdateControl.<ModelDeployment>noUpdate().rescheduleAfter(after));
    }
    return retrain.sooner(UpdateControl.noUpdate());
  }

  /**
   * Runs the dependents and writes the route. A child the API server refuses becomes a problem in
   * the status (with the server's message); anything else is rethrown for JOSDK's retry.
   */
  private Optional<Problem> act(
      ModelDeployment md,
      RolloutPlan rollout,
      Optional<GatewayApiRoute.Observed> route,
      boolean servingDeploymentsExist,
      Set<Pod> pods,
      Context<ModelDeployment> context) {
    try {
      // Pods refer to the signing Secret; it exists before their Deployment does.
      signingSecrets.ensure(md, servingDeploymentsExist, pods, context.getClient());
      context.managedWorkflowAndDependentResourceContext().reconcileManagedWorkflow();
      VersionServices.route(md)
          .apply(rollout.traffic(), rollout.stableVersion(), route, context.getClient());
      return Optional.empty();
    } catch (RuntimeException e) {
      Optional<Problem> refusal = ChildRefusal.of(e);
      if (refusal.isEmpty()) {
        throw e;
      }
      log.warn(
          "{}/{}: {}",
          md.getMetadata().getNamespace(),
          md.getMetadata().getName(),
          refusal.get().message());
      return refusal;
    }
  }

  private RolloutPlan plan(
      ModelDeployment md,
      List<Deployment> deployments,
      Map<String, VersionAggregate> aggregates,
      TrafficHistory traffic,
      EffectiveMonitoring monitoring,
      Optional<Problem> podProblem,
      Optional<GatewayApiRoute.Observed> route,
      Instant now) {
    ModelDeploymentSpec spec = md.getSpec();
    boolean autoscaled = spec.getAutoscaling() != null;
    int replicas =
        autoscaled
            ? ServingAutoscaler.minReplicas(spec.getAutoscaling())
            : spec.getReplicas() == null ? 1 : spec.getReplicas();
    Map<String, VersionObservation> observed =
        deployments.stream()
            .collect(
                Collectors.toMap(
                    d -> d.getMetadata().getLabels().get(ServingNames.LABEL_VERSION),
                    ModelDeploymentReconciler::observe,
                    (a, b) -> a));
    var previous = Optional.ofNullable(md.getStatus());
    String stable = previous.map(ModelDeploymentStatus::getStableVersion).orElse(null);
    var metrics = new TreeMap<String, VersionMetrics>();
    aggregates.forEach((version, aggregate) -> metrics.put(version, aggregate.metrics()));
    String target = spec.getModel().getVersion();
    var inputs =
        new RolloutInputs(
            target,
            replicas,
            autoscaled,
            stable,
            observed,
            spec.getRollout(),
            previous.map(ModelDeploymentStatus::getRollout).orElse(null),
            ManualControl.of(md.getMetadata().getAnnotations()),
            metrics,
            traffic,
            new SampleMinimums(monitoring.driftMinSamples(), monitoring.accuracyMinSamples()),
            podProblem.map(p -> List.of(p.message())).orElse(List.of()),
            route.map(r -> VersionServices.route(md).observe(r.route(), observed.keySet())),
            new RolloutInputs.ModelRef(
                spec.getModel().getUri(),
                spec.getModel().getUriFrom(),
                spec.getModel().getSha256()),
            now);
    return RolloutPlanner.forSpec(spec.getRollout()).plan(inputs);
  }

  /**
   * One version's Deployment as the planners see it. While the Deployment controller has not yet
   * observed the latest spec (status.observedGeneration behind metadata.generation, as after every
   * HPA or operator change of spec.replicas), status.readyReplicas still counts the pods that pass
   * readiness and serve: they keep it as the ready count, so the actual weight of a replica-ratio
   * canary does not read 0 % or 100 % for a reconcile while no pod stopped. updatedReplicas is what
   * says the pods run the current template, and a status from before a template change says nothing
   * of the new pods: it counts 0 until the status catches up, so every readiness check (ready and
   * updated at the size asked for) still waits for the rollout.
   */
  static VersionObservation observe(Deployment d) {
    var s = d.getStatus();
    int wanted = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
    boolean current =
        s != null
            && s.getObservedGeneration() != null
            && s.getObservedGeneration()
                >= Optional.ofNullable(d.getMetadata().getGeneration()).orElse(0L);
    int ready = s != null && s.getReadyReplicas() != null ? s.getReadyReplicas() : 0;
    int updated = current && s.getUpdatedReplicas() != null ? s.getUpdatedReplicas() : 0;
    return new VersionObservation(
        d.getMetadata().getLabels().get(ServingNames.LABEL_VERSION), wanted, ready, updated);
  }

  private static List<Deployment> servingDeployments(
      ModelDeployment md, Context<ModelDeployment> context) {
    return context.getSecondaryResources(Deployment.class).stream()
        .filter(
            d ->
                d.getMetadata().getLabels() != null
                    && md.getMetadata()
                        .getName()
                        .equals(d.getMetadata().getLabels().get(ServingNames.LABEL_DEPLOYMENT))
                    && d.getMetadata().getLabels().containsKey(ServingNames.LABEL_VERSION))
        .sorted(Comparator.comparing(d -> d.getMetadata().getName()))
        .toList();
  }

  private static Optional<Problem> missingClaim(
      ModelDeployment md, ModelLocation location, KubernetesClient client) {
    if (location.claim().isEmpty()) {
      return Optional.empty();
    }
    String claim = location.claim().get();
    var pvc =
        client
            .persistentVolumeClaims()
            .inNamespace(md.getMetadata().getNamespace())
            .withName(claim)
            .get();
    return pvc != null
        ? Optional.empty()
        : Optional.of(
            new Problem(
                "PersistentVolumeClaimNotFound",
                "PersistentVolumeClaim "
                    + claim
                    + " named in spec.model.uri does not exist in namespace "
                    + md.getMetadata().getNamespace()));
  }

  private static List<RuntimeReport> reports(ModelDeployment md, Context<ModelDeployment> context) {
    return context.getSecondaryResources(RuntimeReport.class).stream()
        .filter(
            r ->
                md.getMetadata()
                    .getName()
                    .equals(r.getMetadata().getLabels().get(RuntimeReport.LABEL_DEPLOYMENT)))
        .toList();
  }

  private static List<ModelPackageReference> references(
      ModelDeployment md, Context<ModelDeployment> context) {
    return context.getSecondaryResources(ModelPackageReference.class).stream()
        .filter(
            r ->
                md.getMetadata()
                    .getName()
                    .equals(r.getMetadata().getLabels().get(RuntimeReport.LABEL_DEPLOYMENT)))
        .toList();
  }

  /**
   * Writes what changed. A change that only moves report figures (drift, accuracy, the sample
   * counts in condition messages) waits until one report interval has passed since this resource's
   * last write, so a hundred pods reporting cost one write per interval; the delay left is
   * returned. Rollout transitions, spec changes, replica counts and conditions that flip are
   * written at once.
   */
  private Optional<Duration> write(
      ModelDeployment md,
      ModelDeploymentStatus status,
      List<RolloutTransition> rollout,
      Duration interval,
      Instant now,
      Context<ModelDeployment> context) {
    KubernetesClient client = context.getClient();
    ModelDeploymentStatus before = md.getStatus();
    Optional<String> patch =
        StatusPatch.between(before, status, client.getKubernetesSerialization());
    if (patch.isEmpty()) {
      return Optional.empty();
    }
    Optional<Duration> held =
        throttle.holdBack(
            md,
            before,
            status,
            !rollout.isEmpty(),
            interval,
            now,
            client.getKubernetesSerialization());
    if (held.isPresent()) {
      return held;
    }
    log.debug(
        "Status patch of {}/{}: {}",
        md.getMetadata().getNamespace(),
        md.getMetadata().getName(),
        patch.get());
    ModelDeployment written =
        // On the object in hand: a patch by name alone makes Fabric8 GET the resource first, a
        // request per write and a verb (get) the chart's RBAC does not grant.
        client
            .resources(ModelDeployment.class)
            .inNamespace(md.getMetadata().getNamespace())
            .resource(md)
            .subresource("status")
            .patch(PatchContext.of(PatchType.JSON_MERGE), patch.get());
    // A reconcile queued before our own watch event arrives must see what we just wrote, or it
    // would record the same promotion and events a second time.
    context
        .eventSourceRetriever()
        .getControllerEventSource()
        .handleRecentResourceUpdate(ResourceID.fromResource(md), written, md);
    metrics.statusWritten();
    throttle.written(md, now);
    for (RolloutTransition transition : rollout) {
      metrics.rollout(transition, before != null && before.getStableVersion() != null);
      events.record(
          md,
          new TransitionEvents.Transition(
              transition.kind().warning() ? "Warning" : "Normal",
              transition.kind().eventReason(),
              transition.message()),
          client);
    }
    for (var transition : TransitionEvents.between(md, before, status)) {
      if ("DriftDetected".equals(transition.reason())) {
        metrics.driftAlerted();
      }
      events.record(md, transition, client);
    }
    return Optional.empty();
  }
}
