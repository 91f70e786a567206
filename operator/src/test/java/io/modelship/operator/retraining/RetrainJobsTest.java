package io.modelship.operator.retraining;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.modelship.api.retraining.RetrainJob;
import io.modelship.api.v1alpha1.ModelDeployment;
import io.modelship.api.v1alpha1.spec.ModelDeploymentSpec;
import io.modelship.api.v1alpha1.spec.ModelSpec;
import io.modelship.api.v1alpha1.spec.ModelUriSource;
import io.modelship.api.v1alpha1.spec.RetrainingDataSpec;
import io.modelship.api.v1alpha1.spec.RetrainingJobSpec;
import io.modelship.api.v1alpha1.spec.RetrainingSpec;
import io.modelship.api.v1alpha1.spec.RetrainingTriggers;
import io.modelship.api.v1alpha1.spec.StorageSpec;
import io.modelship.api.v1alpha1.status.RetrainingTrigger;
import io.modelship.operator.settings.OperatorSettings;
import io.modelship.operator.validation.ImageRegistries;
import io.modelship.operator.validation.ModelLocation;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class RetrainJobsTest {

  static final RetrainJobs.Run RUN =
      new RetrainJobs.Run(
          3,
          RetrainingTrigger.Drift,
          "drift at Alert on 2 features",
          Optional.empty(),
          "1.0.0",
          "1.0.0-retrain.3",
          Optional.of("2026-12-06T03:00:00Z"));

  @Test
  void theJobIsOwnedLabelledAndRunsRetrainWithTheServingPodsImageAndResources() {
    var md = iris();
    Job job = job(md);

    assertThat(job.getMetadata().getName()).isEqualTo("iris-retrain-3");
    assertThat(job.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.getKind()).isEqualTo("ModelDeployment");
              assertThat(o.getUid()).isEqualTo("uid-1");
              assertThat(o.getController()).isTrue();
              assertThat(o.getBlockOwnerDeletion()).isTrue();
            });
    assertThat(job.getMetadata().getLabels())
        .containsEntry(RetrainJob.DEPLOYMENT_LABEL, "iris")
        .containsEntry(RetrainJob.RETRAINING_LABEL, "iris-retrain-3");
    assertThat(job.getSpec().getTemplate().getMetadata().getLabels())
        .containsEntry(RetrainJob.RETRAINING_LABEL, "iris-retrain-3")
        .containsEntry("app.kubernetes.io/managed-by", "modelship-operator");
    assertThat(job.getMetadata().getAnnotations())
        .containsEntry(RetrainJobs.ANNOTATION_TRIGGER, "Drift")
        .containsEntry(RetrainJobs.ANNOTATION_CANDIDATE_VERSION, "1.0.0-retrain.3");
    assertThat(job.getSpec().getBackoffLimit()).isZero();
    assertThat(job.getSpec().getActiveDeadlineSeconds()).isEqualTo(3600L);
    var pod = job.getSpec().getTemplate().getSpec();
    assertThat(pod.getRestartPolicy()).isEqualTo("Never");
    var container = pod.getContainers().getFirst();
    assertThat(container.getImage()).isEqualTo(OperatorSettings.DEFAULT_IMAGE);
    assertThat(container.getCommand()).isNullOrEmpty();
    assertThat(container.getArgs()).containsExactly("retrain");
    assertThat(container.getResources().getLimits()).containsEntry("memory", new Quantity("384Mi"));
    assertThat(container.getResources().getRequests()).containsKey("ephemeral-storage");
    assertThat(container.getTerminationMessagePath()).isEqualTo(RetrainJob.RESULT_FILE);
    assertThat(container.getTerminationMessagePolicy()).isEqualTo("FallbackToLogsOnError");
  }

  @Test
  void theJobRunsRestrictedWithItsOwnAccountAndNoToken() {
    var md = iris();
    var pod = job(md).getSpec().getTemplate().getSpec();

    assertThat(pod.getServiceAccountName()).isEqualTo("iris-retrain");
    assertThat(pod.getAutomountServiceAccountToken()).isFalse();
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    var security = pod.getContainers().getFirst().getSecurityContext();
    assertThat(security.getAllowPrivilegeEscalation()).isFalse();
    assertThat(security.getReadOnlyRootFilesystem()).isTrue();
    assertThat(security.getRunAsNonRoot()).isTrue();
    assertThat(security.getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(security.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(pod.getContainers().getFirst().getVolumeMounts())
        .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/tmp"));
    assertThat(pod.getVolumes())
        .anySatisfy(v -> assertThat(v.getEmptyDir().getSizeLimit()).isNotNull());

    var account = RetrainJobs.serviceAccount(md);
    assertThat(account.getMetadata().getName()).isEqualTo("iris-retrain");
    assertThat(account.getAutomountServiceAccountToken()).isFalse();
    assertThat(account.getMetadata().getOwnerReferences()).hasSize(1);
  }

  @Test
  void theEnvironmentFollowsTheJobContract() {
    Map<String, String> env = values(job(iris()));

    assertThat(env)
        .containsEntry(RetrainJob.FROM_URI, "https://models.example.com/iris/1.0.0.tar.gz")
        .containsEntry(RetrainJob.FROM_SHA256, "a".repeat(64))
        .containsEntry(RetrainJob.SERVING_VERSION, "1.0.0")
        .containsEntry(RetrainJob.CANDIDATE_VERSION, "1.0.0-retrain.3")
        .containsEntry(RetrainJob.TRAINING_DATA, "s3://ml/iris/train.csv")
        .containsEntry(RetrainJob.RECENT, "s3://ml/iris/labelled/")
        .containsEntry(RetrainJob.WINDOW_SECONDS, String.valueOf(7 * 24 * 3600))
        .containsEntry(RetrainJob.MAX_ROWS, "200000")
        .containsEntry(RetrainJob.NEWER_THAN, "2026-12-06T03:00:00Z")
        .containsEntry(RetrainJob.OUTPUT, "s3://ml/iris/candidates/")
        .containsEntry(RetrainJob.RESULT_FILE_ENV, RetrainJob.RESULT_FILE);
    // s3:// without spec.model.storage: the default credential chain, no variables at all
    assertThat(env).doesNotContainKeys("AWS_ACCESS_KEY_ID", "S3_ENDPOINT", "RETRAINING_SINK");
  }

  @Test
  void storageCredentialsAndAUriFromASecretArriveAsSecretKeyRefsAsForTheServingPods() {
    var md = iris();
    md.getSpec().getModel().setUri(null);
    md.getSpec().getModel().setUriFrom(uriFrom("model-url", "uri"));
    var storage = new StorageSpec();
    storage.setEndpoint("http://minio:9000");
    storage.setPathStyle(true);
    storage.setSecretRef(new StorageSpec.SecretRef("s3-creds"));
    md.getSpec().getModel().setStorage(storage);

    List<EnvVar> env =
        job(md).getSpec().getTemplate().getSpec().getContainers().getFirst().getEnv();

    EnvVar from = byName(env, RetrainJob.FROM_URI);
    assertThat(from.getValue()).isNull();
    assertThat(from.getValueFrom().getSecretKeyRef().getName()).isEqualTo("model-url");
    assertThat(byName(env, "AWS_SECRET_ACCESS_KEY").getValueFrom().getSecretKeyRef().getName())
        .isEqualTo("s3-creds");
    assertThat(byName(env, "S3_ENDPOINT").getValue()).isEqualTo("http://minio:9000");
  }

  @Test
  void theUsersJobOverridesImageCommandArgsAndResourcesAndAddsEnv() {
    var md = iris();
    var custom = new RetrainingJobSpec();
    custom.setImage("registry.example.com/ml/onnx-retrain:2");
    custom.setCommand(List.of("python", "/app/retrain.py"));
    custom.setEnv(List.of(new EnvVar("EPOCHS", "5", null)));
    custom.setResources(
        new ResourceRequirementsBuilder().addToLimits("memory", new Quantity("4Gi")).build());
    custom.setActiveDeadlineSeconds(600L);
    md.getSpec().getRetraining().setJob(custom);

    Job job = job(md);
    var container = job.getSpec().getTemplate().getSpec().getContainers().getFirst();
    assertThat(container.getImage()).isEqualTo("registry.example.com/ml/onnx-retrain:2");
    assertThat(container.getCommand()).containsExactly("python", "/app/retrain.py");
    assertThat(container.getArgs()).isNullOrEmpty();
    assertThat(container.getResources().getLimits()).containsEntry("memory", new Quantity("4Gi"));
    assertThat(values(job)).containsEntry("EPOCHS", "5").containsKey(RetrainJob.OUTPUT);
    assertThat(job.getSpec().getActiveDeadlineSeconds()).isEqualTo(600L);
  }

  @Test
  void namesAndVersionsStayWithinKubernetesLimits() {
    var md = iris();
    md.getMetadata().setName("a".repeat(55));
    String name = RetrainJobs.jobName(md, 123456);
    assertThat(name).hasSizeLessThanOrEqualTo(63).endsWith("-retrain-123456");
    assertThat(RetrainJobs.number(md, name)).hasValue(123456);
    assertThat(RetrainJobs.number(iris(), "iris-retrain-x")).isEmpty();
    assertThat(RetrainJobs.number(iris(), "iris-runtime")).isEmpty();

    assertThat(RetrainJobs.candidateVersion("2.0.0", 7)).isEqualTo("2.0.0-retrain.7");
    assertThat(RetrainJobs.candidateVersion("2.0.0-retrain.3", 7)).isEqualTo("2.0.0-retrain.7");
    assertThat(RetrainJobs.candidateVersion("v".repeat(63), 7)).hasSize(63);
  }

  static Job job(ModelDeployment md) {
    var settings =
        ((EffectiveRetraining.Result.Valid)
                EffectiveRetraining.of(md.getSpec().getRetraining(), ImageRegistries.any()))
            .retraining();
    var location =
        ((ModelLocation.Result.Valid) ModelLocation.of(md.getSpec().getModel())).location();
    return RetrainJobs.desired(md, settings, RUN, location, OperatorSettings.defaults());
  }

  static Map<String, String> values(Job job) {
    return job.getSpec().getTemplate().getSpec().getContainers().getFirst().getEnv().stream()
        .filter(e -> e.getValue() != null)
        .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
  }

  static EnvVar byName(List<EnvVar> env, String name) {
    return env.stream().filter(e -> name.equals(e.getName())).findFirst().orElseThrow();
  }

  static ModelUriSource uriFrom(String secret, String key) {
    var source = new ModelUriSource();
    source.setSecretKeyRef(new ModelUriSource.SecretKeyRef(secret, key));
    return source;
  }

  static ModelDeployment iris() {
    var model = new ModelSpec();
    model.setName("iris");
    model.setVersion("1.0.0");
    model.setUri("https://models.example.com/iris/1.0.0.tar.gz");
    model.setSha256("a".repeat(64));
    var data = new RetrainingDataSpec();
    data.setTrainingData("s3://ml/iris/train.csv");
    data.setSink("s3://ml/iris/labelled/");
    var triggers = new RetrainingTriggers();
    triggers.setAccuracyDrop(0.05);
    var retraining = new RetrainingSpec();
    retraining.setTriggers(triggers);
    retraining.setData(data);
    retraining.setOutput("s3://ml/iris/candidates/");
    var spec = new ModelDeploymentSpec();
    spec.setModel(model);
    spec.setRetraining(retraining);
    var md = new ModelDeployment();
    md.setMetadata(
        new ObjectMetaBuilder().withName("iris").withNamespace("ml").withUid("uid-1").build());
    md.setSpec(spec);
    return md;
  }
}
