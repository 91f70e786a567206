package io.modelship.local.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class VerdictTest {

  static JsonNode md(
      String phase,
      String stable,
      String lastVersion,
      String lastOutcome,
      int measurements,
      String abortReason)
      throws Exception {
    StringBuilder m = new StringBuilder();
    for (int i = 0; i < measurements; i++) {
      m.append(i == 0 ? "" : ",").append("{\"metric\":\"errorRate\",\"verdict\":\"Pass\"}");
    }
    return new ObjectMapper()
        .readTree(
            """
        {"metadata":{"generation":2},
         "status":{"observedGeneration":2,"phase":"%s","stableVersion":"%s",
           "conditions":[{"type":"Ready","status":"%s","reason":"r","message":"m"}],
           "history":[{"version":"1.0.0","outcome":"Promoted"},{"version":"%s","outcome":"%s"}],
           "rollout":{"abortReason":%s,"analysis":{"passed":%d,"measurements":[%s]}}}}"""
                .formatted(
                    phase,
                    stable,
                    phase.equals("Healthy") ? "True" : "False",
                    lastVersion,
                    lastOutcome,
                    abortReason.isEmpty() ? "null" : "\"" + abortReason + "\"",
                    measurements,
                    m));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        // scenario | phase | stable | last version | last outcome | measurements | abort reason |
        // outcome
        "CANARY    | Healthy     | 2.0.0 | 2.0.0 | Promoted   | 3 |                         | SUCCEEDED",
        "CANARY    | Healthy     | 2.0.0 | 2.0.0 | Promoted   | 0 |                         | FAILED",
        "CANARY    | Progressing | 1.0.0 | 1.0.0 | Promoted   | 1 |                         | RUNNING",
        "CANARY    | Degraded    | 1.0.0 | 2.0.0 | RolledBack | 2 | p99 82 ms > 50 ms        | FAILED",
        "ROLLBACK  | Degraded    | 1.0.0 | 2.1.0 | RolledBack | 2 | accuracy drop 0.6 > 0.1 | SUCCEEDED",
        "ROLLBACK  | Healthy     | 2.1.0 | 2.1.0 | Promoted   | 0 |                         | FAILED",
        "ROLLBACK  | Progressing | 1.0.0 | 1.0.0 | Promoted   | 1 |                         | RUNNING",
        "BLUEGREEN | Healthy     | 2.0.0 | 2.0.0 | Promoted   | 0 |                         | SUCCEEDED",
        "ROLLING   | Healthy     | 2.0.0 | 2.0.0 | Promoted   | 0 |                         | SUCCEEDED",
        "ROLLING   | Failed      | 1.0.0 | 1.0.0 | Promoted   | 0 |                         | FAILED"
      })
  void judgesTheEnding(
      Scenario scenario,
      String phase,
      String stable,
      String lastVersion,
      String lastOutcome,
      int measurements,
      String abortReason,
      Verdict.Outcome expected)
      throws Exception {
    Verdict v =
        Verdict.judge(
            scenario,
            md(
                phase,
                stable,
                lastVersion,
                lastOutcome,
                measurements,
                abortReason == null ? "" : abortReason));
    assertThat(v.outcome()).as(v.message()).isEqualTo(expected);
    if (scenario == Scenario.ROLLBACK && expected == Verdict.Outcome.SUCCEEDED) {
      assertThat(v.message()).contains("rolled back to 1.0.0", abortReason);
    }
  }

  @org.junit.jupiter.api.Test
  void anUnobservedGenerationIsStillRunning() throws Exception {
    JsonNode md = md("Healthy", "2.0.0", "2.0.0", "Promoted", 1, "");
    ((com.fasterxml.jackson.databind.node.ObjectNode) md.path("metadata")).put("generation", 3);
    assertThat(Verdict.judge(Scenario.ROLLING, md).outcome()).isEqualTo(Verdict.Outcome.RUNNING);
  }

  @org.junit.jupiter.api.Test
  void editingChangesVersionAndUriOnly() {
    String manifest =
        "  model:\n    version: \"1.0.0\"\n    uri: https://models.example.com/iris/1.0.0.tar.gz\n";
    assertThat(Scenario.ROLLBACK.edited(manifest))
        .isEqualTo(
            "  model:\n    version: \"2.1.0\"\n    uri: https://models.example.com/iris/2.1.0.tar.gz\n");
  }
}
