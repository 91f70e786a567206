package io.modelship.local.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The retrain scenario's reading of status.retraining. */
class RetrainProgressTest {

  static final ObjectMapper JSON = new ObjectMapper();

  static JsonNode md(String retraining) throws Exception {
    return JSON.readTree(
        "{\"status\":{\"drift\":{\"status\":\"Alert\"},\"accuracy\":{\"status\":\"Alert\"},"
            + "\"retraining\":"
            + retraining
            + "}}");
  }

  static final String RUN =
      "{\"job\":\"iris-retrain-1\",\"trigger\":\"Drift\","
          + "\"triggerMessage\":\"drift at Alert on 2 features for 12s\",";

  @Test
  void noRunYetWaitsForTheTrigger() throws Exception {
    RetrainProgress p = RetrainProgress.of(md("{}"));
    assertThat(p.stage()).isEqualTo(RetrainProgress.Stage.WAITING_FOR_TRIGGER);
    assertThat(p.message()).contains("no run yet", "drift Alert");
  }

  @Test
  void aRunningJobIsRetraining() throws Exception {
    RetrainProgress p = RetrainProgress.of(md("{\"runs\":[" + RUN + "\"outcome\":\"Running\"}]}"));
    assertThat(p.stage()).isEqualTo(RetrainProgress.Stage.RETRAINING);
    assertThat(p.message()).contains("iris-retrain-1", "Drift", "2 features for 12s");
  }

  @Test
  void aBetterCandidateIsReadyForAdoptionWithItsComparison() throws Exception {
    RetrainProgress p =
        RetrainProgress.of(
            md(
                "{\"runs\":["
                    + RUN
                    + "\"outcome\":\"Succeeded\",\"candidateVersion\":\"1.0.0-retrain.1\"}],"
                    + "\"candidates\":[{\"version\":\"1.0.0-retrain.1\",\"metric\":\"accuracy\","
                    + "\"candidateValue\":0.97,\"servingValue\":0.02,\"servingVersion\":\"1.0.0\","
                    + "\"heldOutRows\":120,\"verdict\":\"Better\"}]}"));
    assertThat(p.stage()).isEqualTo(RetrainProgress.Stage.CANDIDATE_BETTER);
    assertThat(p.candidateVersion()).isEqualTo("1.0.0-retrain.1");
    assertThat(p.message())
        .contains("accuracy 0.970 against 0.020 for the serving 1.0.0 on 120 held-out recent rows");
  }

  @Test
  void aCandidateThatIsNotBetterEndsTheScenario() throws Exception {
    RetrainProgress p =
        RetrainProgress.of(
            md(
                "{\"runs\":["
                    + RUN
                    + "\"outcome\":\"Succeeded\",\"candidateVersion\":\"v2\"}],"
                    + "\"candidates\":[{\"version\":\"v2\",\"candidateValue\":0.5,"
                    + "\"servingValue\":0.5,\"verdict\":\"NotBetter\"}]}"));
    assertThat(p.stage()).isEqualTo(RetrainProgress.Stage.FAILED);
    assertThat(p.message()).contains("NotBetter");
  }

  @Test
  void aRunThatTimedOutSaysWhy() throws Exception {
    RetrainProgress p =
        RetrainProgress.of(
            md(
                "{\"runs\":["
                    + RUN
                    + "\"outcome\":\"TimedOut\",\"reason\":\"Job was active longer than"
                    + " specified deadline\"}]}"));
    assertThat(p.stage()).isEqualTo(RetrainProgress.Stage.FAILED);
    assertThat(p.message()).contains("ended TimedOut: Job was active longer");
  }
}
