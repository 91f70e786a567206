package io.modelship.operator.dependent;

import static io.modelship.operator.dependent.ContainerParts.pullPolicy;
import static io.modelship.operator.dependent.ContainerParts.pullSecrets;
import static io.modelship.operator.dependent.ContainerParts.secretKey;
import static io.modelship.operator.dependent.ContainerParts.value;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.GarbageCollected;
import io.javaoperatorsdk.operator.processing.dependent.CRUDKubernetesBulkDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.KubernetesBulkDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.modelship.api.runtime.RuntimeEnvironment;
import io.modelship.api.v1alpha1.ModelDeployment;
import io.modelship.api.v1alpha1.spec.ModelDeploymentSpec;
import io.modelship.api.v1alpha1.spec.RuntimeSpec;
import io.modelship.operator.rollout.plan.VersionTarget;
import io.modelship.operator.validation.ModelLocation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One serving Deployment per model version the rollout plan keeps. Versions the plan no longer
 * lists are deleted by the bulk reconciler.
 */
@KubernetesDependent(informer = @Informer(labelSelector = ServingNames.MANAGED_SELECTOR))
public class ServingDeployments extends KubernetesDependentResource<Deployment, ModelDeployment>
    implements CRUDKubernetesBulkDependentResource<Deployment, ModelDeployment>,
        KubernetesBulkDependentResource<Deployment, ModelDeployment>,
        GarbageCollected<ModelDeployment> {

  public static final String CONTAINER = "serving";
  public static final int PORT = RuntimeEnvironment.DEFAULT_PORT;

  /**
   * The runtime's Open Inference Protocol over gRPC (h2c), named {@code grpc} on the container and
   * Services.
   */
  public static final int GRPC_PORT = RuntimeEnvironment.DEFAULT_GRPC_PORT;

  static final String TMP_VOLUME = "tmp";
  static final String MODEL_VOLUME = "model";
  static final long RUNTIME_UID = 65532L;

  /** The package limit the pods run with, and the scratch space it needs (defined once, in api). */
  static final long MAX_PACKAGE_BYTES = RuntimeEnvironment.DEFAULT_MAX_DOWNLOAD_BYTES;

  // Spelled in MiB, as the API server stores it (10304Mi), so the emptyDir read back matches.
  static final Quantity SCRATCH =
      new Quantity(RuntimeEnvironment.scratchBytes(MAX_PACKAGE_BYTES) / (1024 * 1024) + "Mi");

  public ServingDeployments() {
    super(Deployment.class);
  }

  /** Deletion of the ModelDeployment cascades through the ownerReferences. */
  @Override
  public void delete(ModelDeployment md, Context<ModelDeployment> context) {}

  @Override
  public Map<ResourceID, Deployment> desiredResources(
      ModelDeployment md, Context<ModelDeployment> context) {
    ServingPlan plan = ServingPlan.of(context);
    Map<ResourceID, Deployment> actual = getSecondaryResources(md, context);
    var desired = new LinkedHashMap<ResourceID, Deployment>();
    for (VersionTarget target : plan.rollout().targets()) {
      String name = ServingNames.deploymentName(md, target.version());
      ResourceID id = new ResourceID(name, md.getMetadata().getNamespace());
      if (target.fromSpec()) {
        desired.put(id, desired(md, target.version(), replicas(md, target, actual.get(id)), plan));
      } else if (actual.containsKey(id)) {
        desired.put(id, retained(actual.get(id), target.replicas()));
      }
    }
    return desired;
  }

  @Override
  public Map<ResourceID, Deployment> getSecondaryResources(
      ModelDeployment md, Context<ModelDeployment> context) {
    var owned = new LinkedHashMap<ResourceID, Deployment>();
    context
        .getSecondaryResourcesAsStream(Deployment.class)
        .filter(
            d ->
                md.getMetadata()
                    .getName()
                    .equals(d.getMetadata().getLabels().get(ServingNames.LABEL_DEPLOYMENT)))
        .forEach(d -> owned.put(ResourceID.fromResource(d), d));
    return owned;
  }

  /**
   * An HPA-owned count is carried over from the live Deployment, so an update never resets what the
   * HPA chose; a new Deployment starts at the HPA's minimum.
   */
  static Integer replicas(ModelDeployment md, VersionTarget target, Deployment actual) {
    if (target.replicas() != null) {
      return target.replicas();
    }
    if (actual != null && actual.getSpec().getReplicas() != null) {
      return actual.getSpec().getReplicas();
    }
    return md.getSpec().getAutoscaling() == null
        ? null
        : ServingAutoscaler.minReplicas(md.getSpec().getAutoscaling());
  }

  /** An old version kept serving during a handover: unchanged but for its size. */
  static Deployment retained(Deployment actual, Integer replicas) {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName(actual.getMetadata().getName())
        .withNamespace(actual.getMetadata().getNamespace())
        .withLabels(actual.getMetadata().getLabels())
        .withOwnerReferences(actual.getMetadata().getOwnerReferences())
        .endMetadata()
        .withSpec(actual.getSpec())
        .editSpec()
        .withReplicas(replicas)
        .endSpec()
        .build();
  }

  /** The Deployment for {@code version} as the current spec describes it. */
  public static Deployment desired(
      ModelDeployment md, String version, Integer replicas, ServingPlan plan) {
    ModelDeploymentSpec spec = md.getSpec();
    var runtime = Optional.ofNullable(spec.getRuntime());
    String image =
        runtime
            .map(RuntimeSpec::getImage)
            .filter(i -> !i.isBlank())
            .orElse(plan.settings().defaultImage());
    ResourceRequirements resources =
        CanonicalQuantity.of(
            withScratch(
                runtime
                    .map(RuntimeSpec::getResources)
                    .orElseGet(() -> plan.settings().defaultResources())));
    var labels = ServingNames.versionLabels(md, version);

    return new DeploymentBuilder()
        .withNewMetadata()
        .withName(ServingNames.deploymentName(md, version))
        .withNamespace(md.getMetadata().getNamespace())
        .withLabels(labels)
        .withOwnerReferences(ServingNames.owner(md))
        .endMetadata()
        .withNewSpec()
        .withReplicas(replicas)
        .withRevisionHistoryLimit(10)
        .withProgressDeadlineSeconds(600)
        .withMinReadySeconds(0)
        .withNewSelector()
        .withMatchLabels(ServingNames.versionSelector(md, version))
        .endSelector()
        .withNewStrategy()
        .withType("RollingUpdate")
        .withNewRollingUpdate()
        // New pods become ready before old ones stop: no request is dropped on a template change.
        .withMaxUnavailable(new IntOrString(0))
        .withMaxSurge(new IntOrString("25%"))
        .endRollingUpdate()
        .endStrategy()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(labels)
        .addToAnnotations("prometheus.io/scrape", "true")
        .addToAnnotations("prometheus.io/port", String.valueOf(PORT))
        .addToAnnotations("prometheus.io/path", "/metrics")
        .endMetadata()
        .withNewSpec()
        .withServiceAccountName(ServingNames.runtimeAccount(md))
        .withImagePullSecrets(pullSecrets(plan.settings().imagePullSecrets()))
        .withAutomountServiceAccountToken(true)
        .withRestartPolicy("Always")
        .withTerminationGracePeriodSeconds(30L)
        .withDnsPolicy("ClusterFirst")
        .withSchedulerName("default-scheduler")
        .withNewSecurityContext()
        .withRunAsNonRoot(true)
        .withRunAsUser(RUNTIME_UID)
        .withRunAsGroup(RUNTIME_UID)
        .withFsGroup(RUNTIME_UID)
        .withNewSeccompProfile()
        .withType("RuntimeDefault")
        .endSeccompProfile()
        .endSecurityContext()
        .withContainers(container(md, version, image, resources, plan))
        .withVolumes(volumes(plan.location()))
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  private static Container container(
      ModelDeployment md,
      String version,
      String image,
      ResourceRequirements resources,
      ServingPlan plan) {
    return new ContainerBuilder()
        .withName(CONTAINER)
        .withImage(image)
        .withImagePullPolicy(pullPolicy(image))
        .addNewPort()
        .withName("http")
        .withContainerPort(PORT)
        .withProtocol("TCP")
        .endPort()
        .addNewPort()
        .withName("grpc")
        .withContainerPort(GRPC_PORT)
        .withProtocol("TCP")
        .endPort()
        .withEnv(env(md, version, plan))
        .withResources(resources)
        .withStartupProbe(probe("/health", 5, 60))
        .withLivenessProbe(probe("/health", 10, 3))
        .withReadinessProbe(probe("/ready", 5, 3))
        .withNewSecurityContext()
        .withAllowPrivilegeEscalation(false)
        .withReadOnlyRootFilesystem(true)
        .withRunAsNonRoot(true)
        .withNewCapabilities()
        .withDrop("ALL")
        .endCapabilities()
        .withNewSeccompProfile()
        .withType("RuntimeDefault")
        .endSeccompProfile()
        .endSecurityContext()
        .withVolumeMounts(mounts(plan.location()))
        .withTerminationMessagePath("/dev/termination-log")
        .withTerminationMessagePolicy("File")
        .build();
  }

  /**
   * An ephemeral-storage request the size of the scratch emptyDir, so the scheduler places the pod
   * where the package fits; a request the spec sets itself wins.
   */
  static ResourceRequirements withScratch(ResourceRequirements resources) {
    var requests =
        new LinkedHashMap<String, Quantity>(
            resources.getRequests() == null ? Map.of() : resources.getRequests());
    requests.putIfAbsent("ephemeral-storage", SCRATCH);
    return new ResourceRequirementsBuilder(resources).withRequests(requests).build();
  }

  /**
   * The startup probe allows {@code period * failures} seconds for fetching and loading the model.
   */
  private static Probe probe(String path, int periodSeconds, int failureThreshold) {
    return new ProbeBuilder()
        .withNewHttpGet()
        .withPath(path)
        .withPort(new IntOrString("http"))
        .withScheme("HTTP")
        .endHttpGet()
        .withInitialDelaySeconds(0)
        .withPeriodSeconds(periodSeconds)
        .withTimeoutSeconds(1)
        .withSuccessThreshold(1)
        .withFailureThreshold(failureThreshold)
        .build();
  }

  static final int SHUTDOWN_DELAY_SECONDS = 5;

  static List<EnvVar> env(ModelDeployment md, String version, ServingPlan plan) {
    var monitoring = EffectiveMonitoring.of(md.getSpec(), plan.settings());
    var env = new ArrayList<EnvVar>();
    // A URI from a Secret reaches only the container: the pod spec names the Secret, not the URI.
    env.add(
        plan.location()
            .secret()
            .map(ref -> secretKey(RuntimeEnvironment.MODEL_URI, ref.getName(), ref.getKey()))
            .orElseGet(() -> value(RuntimeEnvironment.MODEL_URI, plan.location().runtimeUri())));
    // Lets a pod that cannot load its model still say which version failed in its report.
    env.add(value(RuntimeEnvironment.MODEL_VERSION, version));
    String sha256 = md.getSpec().getModel().getSha256();
    if (sha256 != null && !sha256.isBlank()) {
      env.add(value(RuntimeEnvironment.MODEL_SHA256, sha256));
    }
    env.add(field(RuntimeEnvironment.POD_NAME, "metadata.name"));
    env.add(field(RuntimeEnvironment.POD_UID, "metadata.uid"));
    env.add(field(RuntimeEnvironment.POD_NAMESPACE, "metadata.namespace"));
    env.add(field(RuntimeEnvironment.POD_IP, "status.podIP"));
    env.add(value(RuntimeEnvironment.MODELDEPLOYMENT_NAME, md.getMetadata().getName()));
    env.add(value(RuntimeEnvironment.MODELDEPLOYMENT_UID, md.getMetadata().getUid()));
    env.add(
        value(
            RuntimeEnvironment.REPORT_INTERVAL_SECONDS,
            String.valueOf(monitoring.reportIntervalSeconds())));
    env.add(value(RuntimeEnvironment.DRIFT_METHOD, monitoring.methodName()));
    env.add(value(RuntimeEnvironment.DRIFT_WARNING, String.valueOf(monitoring.warning())));
    env.add(value(RuntimeEnvironment.DRIFT_THRESHOLD, String.valueOf(monitoring.threshold())));
    env.add(value(RuntimeEnvironment.DRIFT_WINDOW_SIZE, String.valueOf(monitoring.windowSize())));
    env.add(
        value(RuntimeEnvironment.DRIFT_MIN_SAMPLES, String.valueOf(monitoring.driftMinSamples())));
    env.add(
        value(RuntimeEnvironment.ACCURACY_MAX_DROP, String.valueOf(monitoring.maxAccuracyDrop())));
    env.add(
        value(
            RuntimeEnvironment.ACCURACY_MIN_SAMPLES,
            String.valueOf(monitoring.accuracyMinSamples())));
    env.add(value(RuntimeEnvironment.PORT, String.valueOf(PORT)));
    env.add(value(RuntimeEnvironment.GRPC_PORT, String.valueOf(GRPC_PORT)));
    env.add(value(RuntimeEnvironment.MODEL_MAX_DOWNLOAD_BYTES, String.valueOf(MAX_PACKAGE_BYTES)));
    // After SIGTERM the runtime keeps serving (readiness 503) while endpoints drop the pod; 5 s
    // plus
    // its 20 s drain stays inside the default 30 s termination grace period.
    env.add(
        value(RuntimeEnvironment.SHUTDOWN_DELAY_SECONDS, String.valueOf(SHUTDOWN_DELAY_SECONDS)));
    env.add(value(RuntimeEnvironment.JAVA_TOOL_OPTIONS, RuntimeEnvironment.JVM_OPTIONS));
    env.add(value(RuntimeEnvironment.MALLOC_ARENA_MAX, RuntimeEnvironment.MALLOC_ARENAS));
    env.add(
        secretKey(
            RuntimeEnvironment.FEEDBACK_SIGNING_KEY,
            SigningSecret.name(md),
            SigningSecret.FEEDBACK_KEY));
    env.add(
        secretKey(
            RuntimeEnvironment.REPORT_SIGNING_KEY,
            SigningSecret.name(md),
            SigningSecret.REPORT_KEY));
    env.addAll(StorageEnvironment.of(md.getSpec()));
    // Validation refuses a spec.runtime.env entry naming one of the above before this runs.
    Optional.ofNullable(md.getSpec().getRuntime()).map(RuntimeSpec::getEnv).ifPresent(env::addAll);
    return env;
  }

  private static EnvVar field(String name, String path) {
    return new EnvVarBuilder()
        .withName(name)
        .withNewValueFrom()
        .withNewFieldRef()
        .withApiVersion("v1")
        .withFieldPath(path)
        .endFieldRef()
        .endValueFrom()
        .build();
  }

  private static List<Volume> volumes(ModelLocation location) {
    var volumes = new ArrayList<Volume>();
    // The root filesystem is read-only; the runtime unpacks packages and writes temp files here.
    // Bounded, so a runaway package fills its own emptyDir (the pod is evicted) and not the node.
    volumes.add(
        new VolumeBuilder()
            .withName(TMP_VOLUME)
            .withNewEmptyDir()
            .withSizeLimit(SCRATCH)
            .endEmptyDir()
            .build());
    location
        .claim()
        .ifPresent(
            claim ->
                volumes.add(
                    new VolumeBuilder()
                        .withName(MODEL_VOLUME)
                        .withNewPersistentVolumeClaim()
                        .withClaimName(claim)
                        .withReadOnly(true)
                        .endPersistentVolumeClaim()
                        .build()));
    return volumes;
  }

  private static List<VolumeMount> mounts(ModelLocation location) {
    var mounts = new ArrayList<VolumeMount>();
    mounts.add(new VolumeMountBuilder().withName(TMP_VOLUME).withMountPath("/tmp").build());
    location
        .claim()
        .ifPresent(
            claim ->
                mounts.add(
                    new VolumeMountBuilder()
                        .withName(MODEL_VOLUME)
                        .withMountPath(ModelLocation.PVC_MOUNT)
                        .withReadOnly(true)
                        .build()));
    return mounts;
  }
}
