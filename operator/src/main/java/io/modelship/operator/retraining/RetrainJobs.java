package io.modelship.operator.retraining;

import static io.modelship.operator.dependent.ContainerParts.pullPolicy;
import static io.modelship.operator.dependent.ContainerParts.pullSecrets;
import static io.modelship.operator.dependent.ContainerParts.secretKey;
import static io.modelship.operator.dependent.ContainerParts.value;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.modelship.api.retraining.RetrainJob;
import io.modelship.api.runtime.RuntimeEnvironment;
import io.modelship.api.v1alpha1.ModelDeployment;
import io.modelship.api.v1alpha1.spec.RetrainingJobSpec;
import io.modelship.api.v1alpha1.spec.RuntimeSpec;
import io.modelship.api.v1alpha1.status.RetrainingTrigger;
import io.modelship.operator.dependent.CanonicalQuantity;
import io.modelship.operator.dependent.ServingNames;
import io.modelship.operator.dependent.StorageEnvironment;
import io.modelship.operator.settings.OperatorSettings;
import io.modelship.operator.validation.ModelLocation;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The retraining Job of one run and the ServiceAccount it runs as, as pure functions of the
 * resource and the run. The Job needs no Kubernetes API access (it reads the package and data from
 * storage and leaves its result in its termination message), so its ServiceAccount has no Role and
 * no token is mounted.
 */
public final class RetrainJobs {

  public static final String CONTAINER = "retrain";

  /** What started the run, so a Job created just before a lost status write is adopted whole. */
  public static final String ANNOTATION_TRIGGER = "modelship.io/retrain-trigger";

  public static final String ANNOTATION_TRIGGER_MESSAGE = "modelship.io/retrain-trigger-message";
  public static final String ANNOTATION_TOKEN = "modelship.io/retrain-token";
  public static final String ANNOTATION_SERVING_VERSION = "modelship.io/serving-version";
  public static final String ANNOTATION_CANDIDATE_VERSION = "modelship.io/candidate-version";

  static final String TMP_VOLUME = "tmp";
  static final String MODEL_VOLUME = "model";
  static final long RUNTIME_UID = 65532L;

  /** Room for six digits of run number within the 63 characters a Job name may have. */
  static final int MAX_PREFIX = 63 - "-retrain-".length() - 6;

  /** The serving pods' scratch space: the serving package downloaded and unpacked, as they do. */
  static final Quantity SCRATCH =
      new Quantity(
          RuntimeEnvironment.scratchBytes(RuntimeEnvironment.DEFAULT_MAX_DOWNLOAD_BYTES)
                  / (1024 * 1024)
              + "Mi");

  /** The env the operator sets; spec.retraining.job.env may add variables but not replace these. */
  static final Set<String> OPERATOR_OWNED =
      Set.of(
          RetrainJob.FROM_URI,
          RetrainJob.FROM_SHA256,
          RetrainJob.SERVING_VERSION,
          RetrainJob.CANDIDATE_VERSION,
          RetrainJob.TRAINING_DATA,
          RetrainJob.RECENT,
          RetrainJob.WINDOW_SECONDS,
          RetrainJob.MAX_ROWS,
          RetrainJob.NEWER_THAN,
          RetrainJob.OUTPUT,
          RetrainJob.RESULT_FILE_ENV,
          RuntimeEnvironment.S3_ENDPOINT,
          RuntimeEnvironment.S3_REGION,
          RuntimeEnvironment.S3_PATH_STYLE,
          RuntimeEnvironment.AWS_ACCESS_KEY_ID,
          RuntimeEnvironment.AWS_SECRET_ACCESS_KEY,
          RuntimeEnvironment.AWS_SESSION_TOKEN,
          RuntimeEnvironment.JAVA_TOOL_OPTIONS,
          RuntimeEnvironment.MALLOC_ARENA_MAX);

  private RetrainJobs() {}

  /**
   * One run to start.
   *
   * @param number the run's number, in the Job's name
   * @param newerThan the newest row the last successful run used
   */
  public record Run(
      int number,
      RetrainingTrigger trigger,
      String triggerMessage,
      Optional<String> token,
      String servingVersion,
      String candidateVersion,
      Optional<String> newerThan) {}

  static boolean reserved(String name) {
    return OPERATOR_OWNED.contains(name);
  }

  /** {@code <md>-retrain}: the Job's own identity, with no rights. */
  public static String serviceAccountName(ModelDeployment md) {
    return md.getMetadata().getName() + "-retrain";
  }

  /** {@code <md>-retrain-<n>}; a resource name too long for that is cut and given a hash. */
  public static String jobName(ModelDeployment md, int number) {
    return prefix(md) + "-retrain-" + number;
  }

  /** The run number in a Job name of this resource, if it is one. */
  public static OptionalInt number(ModelDeployment md, String jobName) {
    String prefix = prefix(md) + "-retrain-";
    if (jobName == null || !jobName.startsWith(prefix)) {
      return OptionalInt.empty();
    }
    String digits = jobName.substring(prefix.length());
    if (digits.isEmpty() || digits.length() > 9 || !digits.chars().allMatch(Character::isDigit)) {
      return OptionalInt.empty();
    }
    return OptionalInt.of(Integer.parseInt(digits));
  }

  private static String prefix(ModelDeployment md) {
    String name = md.getMetadata().getName();
    if (name.length() <= MAX_PREFIX) {
      return name;
    }
    String hash = sha256(name).substring(0, 6);
    return name.substring(0, MAX_PREFIX - hash.length() - 1).replaceAll("-+$", "") + "-" + hash;
  }

  /**
   * {@code <serving>-retrain.<n>}, from the serving version without an earlier run's suffix (a
   * candidate of a candidate is {@code 2.0.0-retrain.7}, not {@code 2.0.0-retrain.3-retrain.7}),
   * kept a valid label value (63 characters).
   */
  public static String candidateVersion(String serving, int number) {
    String base = serving.replaceFirst("-retrain\\.[0-9]+$", "");
    String suffix = "-retrain." + number;
    if (base.length() + suffix.length() > 63) {
      base = base.substring(0, 63 - suffix.length()).replaceAll("[^A-Za-z0-9]+$", "");
    }
    return base + suffix;
  }

  /** Labels of the Job and its pod: the pods informer sees the pod, the jobs informer the Job. */
  static Map<String, String> labels(ModelDeployment md, String job) {
    var labels = new LinkedHashMap<String, String>();
    labels.put("app.kubernetes.io/name", ServingNames.modelName(md));
    labels.put("app.kubernetes.io/instance", md.getMetadata().getName());
    labels.put("app.kubernetes.io/component", "retraining");
    labels.put(ServingNames.LABEL_MANAGED_BY, ServingNames.MANAGED_BY);
    labels.put(RetrainJob.DEPLOYMENT_LABEL, md.getMetadata().getName());
    labels.put(RetrainJob.RETRAINING_LABEL, job);
    return labels;
  }

  public static ServiceAccount serviceAccount(ModelDeployment md) {
    return new ServiceAccountBuilder()
        .withNewMetadata()
        .withName(serviceAccountName(md))
        .withNamespace(md.getMetadata().getNamespace())
        .withLabels(labels(md, serviceAccountName(md)))
        .withOwnerReferences(ServingNames.owner(md))
        .endMetadata()
        .withAutomountServiceAccountToken(false)
        .build();
  }

  /** The Job of {@code run}: the serving pods' image, resources and security, running retrain. */
  public static Job desired(
      ModelDeployment md,
      EffectiveRetraining retraining,
      Run run,
      ModelLocation location,
      OperatorSettings settings) {
    String name = jobName(md, run.number());
    var job = Optional.ofNullable(md.getSpec().getRetraining().getJob());
    var runtime = Optional.ofNullable(md.getSpec().getRuntime());
    String image =
        job.map(RetrainingJobSpec::getImage)
            .filter(i -> !i.isBlank())
            .or(() -> runtime.map(RuntimeSpec::getImage).filter(i -> !i.isBlank()))
            .orElse(settings.defaultImage());
    ResourceRequirements resources =
        CanonicalQuantity.of(
            withScratch(
                job.map(RetrainingJobSpec::getResources)
                    .or(() -> runtime.map(RuntimeSpec::getResources))
                    .orElseGet(settings::defaultResources)));
    // A user's own command takes its own arguments; the serving image runs its retrain command.
    List<String> command = job.map(RetrainingJobSpec::getCommand).orElse(null);
    List<String> args =
        job.map(RetrainingJobSpec::getArgs).orElse(command == null ? List.of(CONTAINER) : null);
    var annotations = new LinkedHashMap<String, String>();
    annotations.put(ANNOTATION_TRIGGER, run.trigger().name());
    annotations.put(ANNOTATION_TRIGGER_MESSAGE, run.triggerMessage());
    run.token().ifPresent(t -> annotations.put(ANNOTATION_TOKEN, t));
    annotations.put(ANNOTATION_SERVING_VERSION, run.servingVersion());
    annotations.put(ANNOTATION_CANDIDATE_VERSION, run.candidateVersion());
    Map<String, String> labels = labels(md, name);

    Container container =
        new ContainerBuilder()
            .withName(CONTAINER)
            .withImage(image)
            .withImagePullPolicy(pullPolicy(image))
            .withCommand(command)
            .withArgs(args)
            .withEnv(env(md, retraining, run, location))
            .withResources(resources)
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
            .withVolumeMounts(mounts(location))
            .withTerminationMessagePath(RetrainJob.RESULT_FILE)
            // A crash before the result is written still says why: the log's tail.
            .withTerminationMessagePolicy("FallbackToLogsOnError")
            .build();

    return new JobBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(md.getMetadata().getNamespace())
        .withLabels(labels)
        .withAnnotations(annotations)
        .withOwnerReferences(ServingNames.owner(md))
        .endMetadata()
        .withNewSpec()
        .withBackoffLimit(retraining.backoffLimit())
        .withActiveDeadlineSeconds(retraining.activeDeadlineSeconds())
        .withCompletions(1)
        .withParallelism(1)
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(labels)
        .endMetadata()
        .withNewSpec()
        .withServiceAccountName(serviceAccountName(md))
        .withAutomountServiceAccountToken(false)
        .withImagePullSecrets(pullSecrets(settings.imagePullSecrets()))
        .withRestartPolicy("Never")
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
        .withContainers(container)
        .withVolumes(volumes(location))
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  static List<EnvVar> env(
      ModelDeployment md, EffectiveRetraining retraining, Run run, ModelLocation location) {
    var env = new ArrayList<EnvVar>();
    // A URI from a Secret reaches only the container, as for the serving pods.
    env.add(
        location
            .secret()
            .map(ref -> secretKey(RetrainJob.FROM_URI, ref.getName(), ref.getKey()))
            .orElseGet(() -> value(RetrainJob.FROM_URI, location.runtimeUri())));
    String sha256 = md.getSpec().getModel().getSha256();
    if (sha256 != null && !sha256.isBlank()) {
      env.add(value(RetrainJob.FROM_SHA256, sha256.trim()));
    }
    env.add(value(RetrainJob.SERVING_VERSION, run.servingVersion()));
    env.add(value(RetrainJob.CANDIDATE_VERSION, run.candidateVersion()));
    retraining.trainingData().ifPresent(d -> env.add(value(RetrainJob.TRAINING_DATA, d)));
    retraining.sink().ifPresent(s -> env.add(value(RetrainJob.RECENT, s)));
    env.add(value(RetrainJob.WINDOW_SECONDS, String.valueOf(retraining.window().toSeconds())));
    env.add(value(RetrainJob.MAX_ROWS, String.valueOf(retraining.maxRows())));
    run.newerThan().ifPresent(t -> env.add(value(RetrainJob.NEWER_THAN, t)));
    env.add(value(RetrainJob.OUTPUT, retraining.output()));
    env.add(value(RetrainJob.RESULT_FILE_ENV, RetrainJob.RESULT_FILE));
    // The serving pods' object-storage settings and credentials (secretKeyRefs), without the
    // sink variable the pods write to: the Job reads the sink through RETRAIN_RECENT.
    StorageEnvironment.of(md.getSpec()).stream()
        .filter(e -> !RuntimeEnvironment.RETRAINING_SINK.equals(e.getName()))
        .forEach(env::add);
    env.add(value(RuntimeEnvironment.JAVA_TOOL_OPTIONS, RuntimeEnvironment.JVM_OPTIONS));
    env.add(value(RuntimeEnvironment.MALLOC_ARENA_MAX, RuntimeEnvironment.MALLOC_ARENAS));
    // Validation refuses an entry naming one of the above before this runs.
    Optional.ofNullable(md.getSpec().getRetraining().getJob())
        .map(RetrainingJobSpec::getEnv)
        .ifPresent(env::addAll);
    return env;
  }

  static ResourceRequirements withScratch(ResourceRequirements resources) {
    var requests =
        new LinkedHashMap<String, Quantity>(
            resources.getRequests() == null ? Map.of() : resources.getRequests());
    requests.putIfAbsent("ephemeral-storage", SCRATCH);
    return new ResourceRequirementsBuilder(resources).withRequests(requests).build();
  }

  private static List<Volume> volumes(ModelLocation location) {
    var tmp =
        new VolumeBuilder()
            .withName(TMP_VOLUME)
            .withNewEmptyDir()
            .withSizeLimit(SCRATCH)
            .endEmptyDir()
            .build();
    return Stream.concat(
            Stream.of(tmp),
            location.claim().stream()
                .map(
                    claim ->
                        new VolumeBuilder()
                            .withName(MODEL_VOLUME)
                            .withNewPersistentVolumeClaim()
                            .withClaimName(claim)
                            .withReadOnly(true)
                            .endPersistentVolumeClaim()
                            .build()))
        .toList();
  }

  private static List<VolumeMount> mounts(ModelLocation location) {
    var tmp = new VolumeMountBuilder().withName(TMP_VOLUME).withMountPath("/tmp").build();
    return Stream.concat(
            Stream.of(tmp),
            location.claim().stream()
                .map(
                    claim ->
                        new VolumeMountBuilder()
                            .withName(MODEL_VOLUME)
                            .withMountPath(ModelLocation.PVC_MOUNT)
                            .withReadOnly(true)
                            .build()))
        .toList();
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
