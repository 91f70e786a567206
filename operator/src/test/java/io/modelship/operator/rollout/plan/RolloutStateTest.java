package io.modelship.operator.rollout.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.modelship.api.v1alpha1.status.RolloutStatus;
import org.junit.jupiter.api.Test;

class RolloutStateTest {

  @Test
  void aCopyKeepsEveryField() {
    String json =
        """
        {"strategy":"Canary","version":"2.0.0","fromVersion":"1.0.0","startedAt":"2026-01-01T10:00:00Z",
         "stepIndex":2,"stepsHash":"9f2c","stepStartedAt":"2026-01-01T10:01:00Z","pauseStartedAt":"2026-01-01T10:02:00Z",
         "desiredWeight":10,"actualWeight":9,"mirrorPercent":100,"headerRoute":{"name":"x-model-version","value":"2.0.0"},
         "activeVersion":"1.0.0","previewVersion":"2.0.0","previewReadyAt":"2026-01-01T10:02:30Z",
         "promotionDecidedAt":"2026-01-01T10:02:45Z","switchedAt":"2026-01-01T10:03:00Z",
         "handledTokens":{"promote":"t1","promoteFull":"t2","abort":"t3","retry":"t4"},"outcome":"RolledBack",
         "abortReason":"why","analysis":{"passed":3,"failed":1,"inconclusive":1,"lastVerdict":"Fail","message":"p99",
         "lastJudgedAt":"2026-01-01T10:04:00Z","windowStartedAt":"2026-01-01T10:04:00Z",
         "measurements":[{"metric":"errorRate","value":0.004,"threshold":0.01,"verdict":"Pass","samples":412,"window":"30s","windowStart":"2026-01-01T10:03:30Z","time":"2026-01-01T10:04:00Z"}]}}
        """;
    var serialization = new KubernetesSerialization();
    RolloutStatus original = serialization.unmarshal(json, RolloutStatus.class);
    RolloutStatus copy = RolloutState.copy(original);
    assertThat(serialization.asJson(copy)).isEqualTo(serialization.asJson(original));
    assertThat(copy).usingRecursiveComparison().isEqualTo(original);
  }

  @Test
  void aStatusAnEarlierOperatorWroteWithCountersStillReads() {
    String json =
        """
        {"strategy":"Canary","version":"2.0.0","analysis":{"passed":1,
         "counters":{"1.0.0":{"requests":5,"errors":1,"labelled":2,"correct":1}}}}
        """;
    RolloutStatus read = new KubernetesSerialization().unmarshal(json, RolloutStatus.class);
    assertThat(read.getAnalysis().getPassed()).isEqualTo(1);
  }
}
