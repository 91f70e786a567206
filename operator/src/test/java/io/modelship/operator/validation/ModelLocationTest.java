package io.modelship.operator.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelship.api.v1alpha1.spec.ModelSpec;
import io.modelship.api.v1alpha1.spec.ModelUriSource;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ModelLocationTest {

  @ParameterizedTest
  @CsvSource({
    "https://models.example.com/iris.tar.gz, https://models.example.com/iris.tar.gz,",
    "http://models/iris.zip, http://models/iris.zip,",
    "file:///models/iris, file:///models/iris,",
    "pvc://models/iris/2.0.0, file:///mnt/models/iris/2.0.0, models",
    "s3://models/iris/2.0.0.tar.gz, s3://models/iris/2.0.0.tar.gz,",
  })
  void accepts(String uri, String runtimeUri, String claim) {
    var result = ModelLocation.parse(uri);
    assertThat(result)
        .isEqualTo(
            new ModelLocation.Result.Valid(
                new ModelLocation(runtimeUri, Optional.ofNullable(claim))));
  }

  @ParameterizedTest
  @CsvSource({
    "s3://bucket/prefix/",
    "s3://b/key",
    "gs://bucket/key",
    "pvc://models",
    "pvc:///path",
    "https:///nohost",
    "not a uri",
    "models/iris"
  })
  void rejectsWithAReason(String uri) {
    assertThat(ModelLocation.parse(uri))
        .isInstanceOfSatisfying(
            ModelLocation.Result.Invalid.class,
            invalid -> {
              assertThat(invalid.reason()).isEqualTo("UnsupportedModelUri");
              assertThat(invalid.message()).isNotBlank();
            });
  }

  static ModelSpec fromSecret(String uri) {
    var model = new ModelSpec();
    model.setUri(uri);
    var from = new ModelUriSource();
    from.setSecretKeyRef(new ModelUriSource.SecretKeyRef("iris-model", "uri"));
    model.setUriFrom(from);
    return model;
  }

  @Test
  void aUriFromASecretIsHandedToThePodUnread() {
    var result = ModelLocation.of(fromSecret(null));
    assertThat(result)
        .isInstanceOfSatisfying(
            ModelLocation.Result.Valid.class,
            valid -> {
              assertThat(valid.location().runtimeUri()).isNull();
              assertThat(valid.location().claim()).isEmpty();
              assertThat(valid.location().secret())
                  .get()
                  .satisfies(
                      ref -> {
                        assertThat(ref.getName()).isEqualTo("iris-model");
                        assertThat(ref.getKey()).isEqualTo("uri");
                      });
            });
  }

  @Test
  void uriAndUriFromTogetherAreRefused() {
    assertThat(ModelLocation.of(fromSecret("https://x/y")))
        .isInstanceOfSatisfying(
            ModelLocation.Result.Invalid.class,
            invalid -> assertThat(invalid.message()).contains("exactly one"));
  }

  @Test
  void withRequireSha256ForHttpPlainHttpAndUriFromNeedASha256() {
    var plain = new ModelSpec();
    plain.setUri("http://models/iris.zip");
    assertThat(ModelIntegrity.problem(plain, false)).as("off: a warning only").isEmpty();
    assertThat(ModelIntegrity.unverified(plain)).isPresent();
    assertThat(ModelIntegrity.problem(plain, true))
        .get()
        .satisfies(p -> assertThat(p.reason()).isEqualTo("UnverifiedModelRefused"));
    assertThat(ModelIntegrity.problem(fromSecret(null), true))
        .get()
        .satisfies(p -> assertThat(p.message()).contains("uriFrom"));
    var https = new ModelSpec();
    https.setUri("https://models/iris.zip");
    assertThat(ModelIntegrity.problem(https, true)).isEmpty();
    plain.setSha256("a".repeat(64));
    assertThat(ModelIntegrity.problem(plain, true)).isEmpty();
  }
}
