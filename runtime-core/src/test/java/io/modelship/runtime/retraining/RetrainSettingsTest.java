package io.modelship.runtime.retraining;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelship.api.retraining.RetrainingDefaults;
import io.modelship.runtime.cli.RetrainCommand;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * A retrain run without the operator's variables (by hand, or a Job of an older operator) uses the
 * defaults the operator applies to spec.retraining, and its help says which.
 */
class RetrainSettingsTest {

  @Test
  void absentWindowAndMaxRowsAreTheSpecsDefaults() {
    assertThat(RetrainSettings.windowOf(null)).isEqualTo(RetrainingDefaults.WINDOW);
    assertThat(RetrainSettings.windowOf(" ")).isEqualTo(Duration.ofDays(7));
    assertThat(RetrainSettings.maxRowsOf(null)).isEqualTo(RetrainingDefaults.MAX_ROWS);
  }

  @Test
  void heldOutShareIsTheContractsWithItsFloor() {
    assertThat(HeldOutSplit.of(rows(1000)).heldOut())
        .hasSize((int) Math.ceil(1000 * RetrainingDefaults.HELD_OUT_SHARE));
    assertThat(HeldOutSplit.of(rows(100)).heldOut()).hasSize(RetrainingDefaults.MIN_HELD_OUT_ROWS);
  }

  @Test
  void helpNamesTheDefaults() {
    String help = new CommandLine(new RetrainCommand()).getUsageMessage().replaceAll("\\s+", " ");
    assertThat(help)
        .contains("RETRAIN_WINDOW_SECONDS; default 7d")
        .contains("RETRAIN_MAX_ROWS; default 200000");
  }

  private static List<LabelledRow> rows(int n) {
    List<LabelledRow> rows = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      rows.add(null);
    }
    return rows;
  }
}
