package io.modelship.operator.dependent;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.modelship.api.runtime.RuntimeEnvironment;
import io.modelship.api.v1alpha1.spec.RetrainingDataSpec;
import io.modelship.api.v1alpha1.spec.RetrainingSpec;
import io.modelship.api.v1alpha1.spec.StorageSpec;
import io.modelship.operator.harness.Manifests;
import io.modelship.operator.validation.ModelLocation;
import io.modelship.runtime.sink.SinkSettings;
import io.modelship.runtime.storage.S3Settings;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * spec.model.storage and spec.retraining.data.sink reach the pod as the runtime reads them;
 * credentials only by reference.
 */
class StorageEnvironmentTest {

  static List<EnvVar> podEnv(io.modelship.api.v1alpha1.ModelDeployment md) {
    var location =
        ((ModelLocation.Result.Valid) ModelLocation.of(md.getSpec().getModel())).location();
    return ServingDeployments.env(
        md, md.getSpec().getModel().getVersion(), RuntimeEnvContractTest.plan(location));
  }

  @Test
  void storageSettingsAndTheSinkReachTheRuntimeAndCredentialsOnlyAsSecretKeyRefs() {
    var md = Manifests.iris("ml", "iris", "2.0.0");
    md.getSpec().getModel().setUri("s3://models/iris/2.0.0.tar.gz");
    var storage = new StorageSpec();
    storage.setEndpoint("http://minio.storage:9000");
    storage.setRegion("eu-west-1");
    storage.setPathStyle(true);
    storage.setSecretRef(new StorageSpec.SecretRef("s3-creds"));
    md.getSpec().getModel().setStorage(storage);
    var retraining = new RetrainingSpec();
    retraining.setData(new RetrainingDataSpec());
    retraining.getData().setSink("s3://models/iris/labelled/");
    md.getSpec().setRetraining(retraining);

    List<EnvVar> env = podEnv(md);
    var values = RuntimeEnvContractTest.resolved(env);
    assertThat(values).containsEntry(RuntimeEnvironment.MODEL_URI, "s3://models/iris/2.0.0.tar.gz");
    assertThat(S3Settings.fromEnvironment(values, Duration.ofSeconds(30)))
        .isEqualTo(
            new S3Settings(
                URI.create("http://minio.storage:9000"),
                "eu-west-1",
                true,
                Duration.ofSeconds(30)));
    assertThat(SinkSettings.fromEnvironment(values).uri()).isEqualTo("s3://models/iris/labelled/");

    for (String name :
        List.of(
            RuntimeEnvironment.AWS_ACCESS_KEY_ID,
            RuntimeEnvironment.AWS_SECRET_ACCESS_KEY,
            RuntimeEnvironment.AWS_SESSION_TOKEN)) {
      EnvVar credential =
          env.stream().filter(e -> e.getName().equals(name)).findFirst().orElseThrow();
      assertThat(credential.getValue()).isNull();
      assertThat(credential.getValueFrom().getSecretKeyRef().getName()).isEqualTo("s3-creds");
      assertThat(credential.getValueFrom().getSecretKeyRef().getKey()).isEqualTo(name);
    }
    assertThat(
            env.stream()
                .filter(e -> e.getName().equals(RuntimeEnvironment.AWS_SESSION_TOKEN))
                .findFirst()
                .orElseThrow()
                .getValueFrom()
                .getSecretKeyRef()
                .getOptional())
        .isTrue();
  }

  @Test
  void withoutStorageThePodUsesTheDefaultCredentialChainAndAwsItself() {
    var md = Manifests.iris("ml", "iris", "2.0.0");
    md.getSpec().getModel().setUri("s3://models/iris/2.0.0.tar.gz");
    List<EnvVar> env = podEnv(md);
    assertThat(env)
        .extracting(EnvVar::getName)
        .doesNotContain(
            RuntimeEnvironment.S3_ENDPOINT,
            RuntimeEnvironment.AWS_ACCESS_KEY_ID,
            RuntimeEnvironment.AWS_SECRET_ACCESS_KEY,
            RuntimeEnvironment.RETRAINING_SINK);
    assertThat(
            S3Settings.fromEnvironment(
                RuntimeEnvContractTest.resolved(env), Duration.ofSeconds(30)))
        .isEqualTo(new S3Settings(null, S3Settings.DEFAULT_REGION, false, Duration.ofSeconds(30)));
  }

  @Test
  void anS3UriNeedsABucketAndAKey() {
    assertThat(ModelLocation.parse("s3://models/iris/2.0.0.tar.gz"))
        .isInstanceOf(ModelLocation.Result.Valid.class);
    assertThat(ModelLocation.parse("s3://models/iris/"))
        .isInstanceOfSatisfying(
            ModelLocation.Result.Invalid.class,
            invalid -> assertThat(invalid.message()).contains("must look like s3://BUCKET/KEY"));
    assertThat(ModelLocation.parse("s3://Models_Bucket/x.tar.gz"))
        .isInstanceOf(ModelLocation.Result.Invalid.class);
    assertThat(ModelLocation.parse("s3://models")).isInstanceOf(ModelLocation.Result.Invalid.class);
    assertThat(Optional.of(ModelLocation.parse("gs://models/x.tar.gz")))
        .get()
        .isInstanceOfSatisfying(
            ModelLocation.Result.Invalid.class,
            invalid -> assertThat(invalid.message()).contains("s3://BUCKET/KEY"));
  }
}
