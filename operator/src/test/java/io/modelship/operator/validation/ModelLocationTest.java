package io.modelship.operator.validation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ModelLocationTest {

  @ParameterizedTest
  @CsvSource({
    "https://models.example.com/iris.tar.gz, https://models.example.com/iris.tar.gz,",
    "http://models/iris.zip, http://models/iris.zip,",
    "file:///models/iris, file:///models/iris,",
    "pvc://models/iris/2.0.0, file:///mnt/models/iris/2.0.0, models",
  })
  void accepts(String uri, String runtimeUri, String claim) {
    var result = ModelLocation.parse(uri);
    assertThat(result).isEqualTo(new ModelLocation.Result.Valid(new ModelLocation(runtimeUri, Optional.ofNullable(claim))));
  }

  @ParameterizedTest
  @CsvSource({"s3://bucket/key", "gs://bucket/key", "pvc://models", "pvc:///path", "https:///nohost", "not a uri", "models/iris"})
  void rejectsWithAReason(String uri) {
    assertThat(ModelLocation.parse(uri)).isInstanceOfSatisfying(ModelLocation.Result.Invalid.class, invalid -> {
      assertThat(invalid.reason()).isEqualTo("UnsupportedModelUri");
      assertThat(invalid.message()).isNotBlank();
    });
  }
}
