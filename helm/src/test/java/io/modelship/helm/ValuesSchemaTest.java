package io.modelship.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * values.schema.json refuses what the chart does not know, with Helm's own message, before anything
 * renders.
 */
class ValuesSchemaTest {

  @Test
  void aMisspeltKeyIsRefused() {
    assertThatThrownBy(() -> Chart.template(null, Map.of("replica", 2)))
        .hasMessageContaining(
            "values don't meet the specifications of the schema(s) in the following chart(s):")
        .hasMessageContaining("modelship:")
        .hasMessageContaining("additional properties 'replica' not allowed");
  }

  @Test
  void aMisspeltNestedKeyIsRefused() {
    assertThatThrownBy(() -> Chart.template(null, Map.of("runtime.image.tags", "1.0")))
        .hasMessageContaining("additional properties 'tags' not allowed");
  }

  @Test
  void aWrongTypeIsRefused() {
    assertThatThrownBy(() -> Chart.template(null, Map.of("replicas", "two")))
        .hasMessageContaining("/replicas")
        .hasMessageContaining("got string, want integer");
  }

  @Test
  void aValueOutsideItsSetIsRefused() {
    assertThatThrownBy(() -> Chart.template(null, Map.of("logLevel", "verbose")))
        .hasMessageContaining("/logLevel")
        .hasMessageContaining("value must be one of 'trace', 'debug', 'info', 'warn', 'error'");
  }

  @Test
  void theDefaultsAndEveryScenarioMeetTheSchema() {
    assertThat(Chart.template(null, Map.of())).contains("kind: Deployment");
    Chart.scenarios()
        .forEach(
            values -> assertThat(Chart.template(values, Map.of())).contains("kind: Deployment"));
  }
}
