package io.modelship.local.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PrinterJsonPathTest {

  static final JsonNode MD;

  static {
    try {
      MD =
          new ObjectMapper()
              .readTree(
                  """
          {"metadata":{"labels":{"modelship.io/deployment":"iris","modelship.io":"no"}},"spec":{"model":{"version":"2.0.0"},"rollout":{"canary":{"steps":[{"setWeight":10},{"pause":{}}]}}},
           "status":{"canaryWeight":10,"conditions":[{"type":"Progressing","status":"True"},
                                                    {"type":"Ready","status":"False"}]}}""");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        ".spec.model.version | 2.0.0",
        ".metadata.labels.modelship\\.io/deployment | iris",
        "{.metadata.labels['modelship.io/deployment']} | iris",
        "{.status.canaryWeight} | 10",
        ".status.conditions[?(@.type==\"Ready\")].status | False",
        ".status.conditions[?(@.type!=\"Ready\")].type | Progressing",
        ".status.conditions[1].type | Ready",
        ".status.conditions[-1].status | False",
        ".spec.rollout.canary.steps[0].setWeight | 10",
        "$.status.conditions[*].type | Progressing",
        ".status.conditions[?(@.type=='Ready')].status | False"
      })
  void evaluatesWhatPrinterColumnsUse(String path, String expected) {
    assertThat(PrinterJsonPath.compile(path).first(MD).asText()).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({
    ".status.phase",
    ".status.conditions[?(@.type==\"Drifted\")].status",
    ".status.conditions[7].type"
  })
  void missingIsNull(String path) {
    assertThat(PrinterJsonPath.compile(path).first(MD)).isNull();
  }

  @org.junit.jupiter.api.Test
  void unsupportedSyntaxIsRefusedWithThePath() {
    assertThatThrownBy(() -> PrinterJsonPath.compile(".a[?(@.x > 3)]"))
        .hasMessageContaining(".a[?(@.x > 3)]");
  }
}
