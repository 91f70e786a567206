package io.modelship.local.kube;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SelectorsTest {

  static JsonNode object() throws Exception {
    return new ObjectMapper()
        .readTree(
            """
        {"metadata":{"name":"iris.1","labels":{"app":"iris","modelship.io/version":"1.0.0"}},
         "involvedObject":{"kind":"ModelDeployment","name":"iris"},"type":"Normal"}""");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "app=iris | true",
        "app==iris | true",
        "app!=iris | false",
        "app=other | false",
        "app=iris,modelship.io/version=1.0.0 | true",
        "app=iris,modelship.io/version=2.0.0 | false",
        "modelship.io/version in (1.0.0, 2.0.0) | true",
        "modelship.io/version notin (1.0.0) | false",
        "app | true",
        "!app | false",
        "!missing | true",
        "' ' | true"
      })
  void labelSelectors(String selector, boolean matches) throws Exception {
    assertThat(Selectors.labels(selector.trim()).test(object())).isEqualTo(matches);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "involvedObject.name=iris,involvedObject.kind=ModelDeployment | true",
        "involvedObject.name=other | false",
        "type!=Normal | false",
        "metadata.name=iris.1 | true",
        "involvedObject.uid= | true"
      })
  void fieldSelectors(String selector, boolean matches) throws Exception {
    assertThat(Selectors.fields(selector).test(object())).isEqualTo(matches);
  }
}
