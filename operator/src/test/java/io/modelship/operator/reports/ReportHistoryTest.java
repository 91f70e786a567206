package io.modelship.operator.reports;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelship.api.v1alpha1.report.RuntimeReportSpec;
import io.modelship.drift.DriftReport;
import io.modelship.drift.DriftThresholds;
import io.modelship.operator.harness.Reports;
import io.modelship.operator.rollout.analysis.TrafficHistory;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Reset-corrected per-version totals and the windows read from them. */
class ReportHistoryTest {

  static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");
  static final Duration SPACING = Duration.ofSeconds(2);

  final ReportHistory history = new ReportHistory();
  final Map<String, RuntimeReportSpec> pods = new TreeMap<>();

  static RuntimeReportSpec pod(long requests, long errors, long a, long b, long c, String started) {
    RuntimeReportSpec r = Reports.report("1.0.0", requests, errors, a, b, c, T0);
    r.setStartTime(started);
    return r;
  }

  void observe(int seconds) {
    history.observe(pods, T0.plusSeconds(seconds), SPACING);
  }

  TrafficHistory view() {
    return history.view(DriftThresholds.DEFAULT, DriftReport::score);
  }

  @Test
  void windowsAreDifferencesOfTotalsAndWhatPodsCountedBeforeTheHistoryIsNotInThem() {
    pods.put("a", pod(1000, 10, 100, 100, 100, "s1"));
    observe(0);
    pods.put("a", pod(1300, 16, 150, 150, 100, "s1"));
    pods.put("b", pod(50, 1, 10, 0, 0, "s1")); // a new pod: all it counted is new
    observe(30);
    var w = view().window("1.0.0", T0, T0.plusSeconds(30));
    assertThat(w.requests()).isEqualTo(350);
    assertThat(w.errors()).isEqualTo(7);
    assertThat(w.labelled()).as("feedback: 100 on pod a, 10 on pod b").isEqualTo(110);
    assertThat(w.from()).isEqualTo(T0);
    assertThat(w.driftSamples()).isEqualTo(110);
  }

  @Test
  void aCounterThatWentDownOrANewStartTimeIsARestart() {
    pods.put("a", pod(1000, 10, 100, 100, 100, "s1"));
    observe(0);
    pods.put("a", pod(40, 1, 1, 1, 1, "s1"));
    observe(30);
    assertThat(view().window("1.0.0", T0, T0.plusSeconds(30)).requests())
        .as("counters went down")
        .isEqualTo(40);
    pods.put("a", pod(60, 1, 2, 2, 2, "s2"));
    observe(60);
    assertThat(view().window("1.0.0", T0.plusSeconds(30), T0.plusSeconds(60)).requests())
        .as("a new start time: all 60 are the new process's, though the count went up")
        .isEqualTo(60);
    assertThat(view().window("1.0.0", T0, T0.plusSeconds(60)).requests()).isEqualTo(100);
  }

  @Test
  void aReportThatCouldNotBeJoinedWithItsReferenceIsCountedOnceItCanBe() {
    pods.put("a", pod(1000, 10, 100, 100, 100, "s1"));
    observe(0);
    var unjoined = pod(1100, 10, 120, 120, 110, "s1");
    unjoined.setFeatures(null); // its reference object is gone for a moment
    pods.put("a", unjoined);
    observe(30);
    pods.put("a", pod(1200, 12, 140, 140, 120, "s1"));
    observe(60);
    var w = view().window("1.0.0", T0, T0.plusSeconds(60));
    assertThat(w.requests()).as("no restart: the pod's counters only went up").isEqualTo(200);
    assertThat(w.errors()).isEqualTo(2);
    assertThat(w.driftSamples()).isEqualTo(100);
  }

  @Test
  void aNewPodsFirstReportBeforeItsReferenceIsJoinedDoesNotFixTheBinsOfItsVersion() {
    var first = pod(0, 0, 0, 0, 0, "s1");
    first.setFeatures(null); // written at start, before the package's reference object existed
    pods.put("a", first);
    observe(0);
    pods.put("a", pod(40, 0, 10, 20, 10, "s1"));
    observe(30);
    var w = view().window("1.0.0", T0, T0.plusSeconds(30));
    assertThat(w.requests()).isEqualTo(40);
    assertThat(w.predictions()).as("the joined report's predictions count").isPresent();
    assertThat(w.driftSamples()).isEqualTo(40);
  }

  @Test
  void aRegressorsErrorSumsAreDifferencedLikeTheCounters() {
    var first = pod(100, 0, 10, 10, 10, "s1");
    first.setErrorFeedbackCount(100L);
    first.setAbsoluteErrorSum(200.0);
    first.setSquaredErrorSum(400.0);
    pods.put("a", first);
    observe(0);
    var later = pod(200, 0, 20, 20, 20, "s1");
    later.setErrorFeedbackCount(150L);
    later.setAbsoluteErrorSum(350.0);
    later.setSquaredErrorSum(1000.0);
    pods.put("a", later);
    observe(30);
    var recent = history.trailing("1.0.0", c -> c.regression().count() >= 50).orElseThrow();
    assertThat(recent.from()).isEqualTo(T0);
    assertThat(recent.counts().regression())
        .as("the last 50 feedbacks: MAE 3, not the lifetime's 2.33")
        .isEqualTo(new Counts.ErrorSums(50, 150.0, 600.0));
    var all = history.trailing("1.0.0", c -> c.regression().count() >= 1000).orElseThrow();
    assertThat(all.from()).as("more than the history holds: since the pod started").isNull();
    assertThat(all.counts().regression()).isEqualTo(new Counts.ErrorSums(150, 350.0, 1000.0));
  }

  @Test
  void wrappedFeatureCountsAddTheirWrappedDifference() {
    long m = RuntimeReportSpec.FEATURE_COUNT_MODULUS;
    pods.put("a", pod(1000, 0, m - 10, 0, 0, "s1"));
    observe(0);
    var wrapped = pod(1020, 0, 10, 0, 0, "s1");
    wrapped
        .getPrediction()
        .setCounts(List.of(m + 10, 0L)); // prediction and feedback counts never wrap
    wrapped.setFeedbackCount(m + 10);
    wrapped.setFeedbackCorrect(m + 10);
    pods.put("a", wrapped);
    observe(30);
    var w = view().window("1.0.0", T0, T0.plusSeconds(30));
    assertThat(w.driftSamples()).as("20 rows across the wrap").isEqualTo(20);
    assertThat(w.requests()).isEqualTo(20);
  }

  @Test
  void pointsStayBoundedAndKeepReachingBack() {
    long requests = 0;
    for (int i = 0; i < 1000; i++) {
      requests += 10;
      pods.put("a", pod(requests, 0, 1, 1, 1, "s1"));
      observe(i * 10);
    }
    var starts = view().startsBetween(T0, T0.plusSeconds(10_000));
    assertThat(starts.size()).isLessThanOrEqualTo(ReportHistory.MAX_POINTS);
    assertThat(starts.getLast())
        .as("thinned, not cut: the oldest point is still there")
        .isEqualTo(T0);
    assertThat(starts.getFirst()).isEqualTo(T0.plusSeconds(9_990));
  }

  @Test
  void aPointIsRecordedOncePerSpacing() {
    pods.put("a", pod(10, 0, 1, 1, 1, "s1"));
    observe(0);
    pods.put("a", pod(20, 0, 1, 1, 1, "s1"));
    observe(1);
    pods.put("a", pod(30, 0, 1, 1, 1, "s1"));
    observe(2);
    assertThat(view().startsBetween(T0, T0.plusSeconds(3))).containsExactly(T0.plusSeconds(2), T0);
    assertThat(view().window("1.0.0", T0.plusSeconds(1), T0.plusSeconds(2)).requests())
        .as("from the last point at or before 1s, the one at 0s")
        .isEqualTo(20);
  }
}
