package io.modelship.local.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The retrain scenario's account of labelled rows, read from a runtime's /metrics. */
class KeptRowsTest {

  @Test
  void sumsWrittenHandedOverAndEveryKindOfLoss() {
    String exposition =
        """
        # HELP modelship_retraining_sink_rows_total Labelled rows written to the retraining sink
        # TYPE modelship_retraining_sink_rows_total counter
        modelship_retraining_sink_rows_total{outcome="written"} 120.0
        modelship_retraining_sink_rows_total{outcome="dropped"} 3.0
        modelship_retraining_sink_rows_total{outcome="forgotten"} 2.0
        modelship_retraining_sink_rows_total{outcome="unreachable"} 1.0
        modelship_retraining_labels_forwarded_total 57.0
        modelship_requests_total{endpoint="predict",status="200"} 900.0
        """;
    KeptRows one = KeptRows.parse(exposition);
    assertThat(one).isEqualTo(new KeptRows(1, 120, 57, 6));
    assertThat(one.plus(KeptRows.parse(exposition))).isEqualTo(new KeptRows(2, 240, 114, 12));
    assertThat(one.message("1.0.0"))
        .isEqualTo(
            "labels for 1.0.0's 1 pod(s): 57 reached a pod that had not predicted the row and were"
                + " handed to the one that had; 120 rows written to the sink so far, 6 lost");
  }

  @Test
  void aRuntimeWithoutASinkHasNothingToCount() {
    assertThat(KeptRows.parse("modelship_requests_total{endpoint=\"predict\"} 5.0\n"))
        .isEqualTo(new KeptRows(1, 0, 0, 0));
  }
}
