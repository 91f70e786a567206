package io.modelship.operator.reports;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelship.api.v1alpha1.status.RuntimeReport;
import io.modelship.operator.harness.Reports;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReportPruningTest {

  static final Instant NOW = Instant.parse("2026-01-01T00:01:00Z");
  static final Duration INTERVAL = Duration.ofSeconds(15);

  @Test
  void prunesGoneAndSilentPodsOnly() {
    var reports = new HashMap<String, RuntimeReport>();
    reports.put("fresh", Reports.report("1", 0, 0, 1, 1, 1, NOW.minusSeconds(10)));
    reports.put("just-within", Reports.report("1", 0, 0, 1, 1, 1, NOW.minusSeconds(45)));
    reports.put("silent", Reports.report("1", 0, 0, 1, 1, 1, NOW.minusSeconds(46)));
    reports.put("gone", Reports.report("1", 0, 0, 1, 1, 1, NOW));
    var garbled = Reports.report("1", 0, 0, 1, 1, 1, NOW);
    garbled.setReportTime("yesterday");
    reports.put("garbled", garbled);
    reports.put("empty", null);

    var live = Set.of("fresh", "just-within", "silent", "garbled", "empty");
    assertThat(ReportPruning.stale(reports, live, NOW, INTERVAL)).containsExactly("empty", "garbled", "gone", "silent");
  }
}
