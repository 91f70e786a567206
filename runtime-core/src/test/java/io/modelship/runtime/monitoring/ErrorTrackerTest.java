package io.modelship.runtime.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.modelship.drift.DriftStatus;
import org.junit.jupiter.api.Test;

class ErrorTrackerTest {

  @Test
  void rollingMaeAndRmseOverTheWindowAgainstTheBaseline() {
    ErrorTracker tracker = new ErrorTracker(2.0, 2.5, 0.25, 100, 3, 0);
    for (long s = 1; s <= 4; s++) {
      tracker.remember(s, 10.0);
    }
    assertThat(tracker.feedback(1, 9.0).error()).isEqualTo(1.0); // |e| = 1
    assertThat(tracker.feedback(2, 13.0).error()).isEqualTo(-3.0); // |e| = 3
    ErrorSnapshot two = tracker.snapshot();
    assertThat(two.mae()).isEqualTo(2.0);
    assertThat(two.rmse()).isCloseTo(Math.sqrt((1 + 9) / 2.0), within(1e-12));
    assertThat(two.change()).isZero();
    assertThat(two.alert()).isFalse();

    tracker.feedback(3, 5.0); // |e| = 5: window {1, 3, 5}, MAE 3 = +50 % > 25 %
    tracker.feedback(4, 10.0); // |e| = 0 evicts 1: window {3, 5, 0}
    ErrorSnapshot full = tracker.snapshot();
    assertThat(full.windowCount()).isEqualTo(3);
    assertThat(full.mae()).isCloseTo(8.0 / 3, within(1e-12));
    assertThat(full.rmse()).isCloseTo(Math.sqrt(34.0 / 3), within(1e-12));
    assertThat(full.change()).isCloseTo((8.0 / 3 - 2) / 2, within(1e-12));
    assertThat(full.alert()).isTrue();
    assertThat(full.totalFeedback()).isEqualTo(4);
  }

  @Test
  void repeatsAndUnknownIdsChangeNothing() {
    ErrorTracker tracker = new ErrorTracker(Double.NaN, Double.NaN, 0.05, 2, 10, 0);
    tracker.remember(1, 1.0);
    tracker.feedback(1, 2.0);
    assertThat(tracker.feedback(1, 7.0).outcome()).isEqualTo(FeedbackResult.Outcome.Duplicate);
    tracker.remember(3, 1.0); // takes slot 1 of 2, evicting sequence 1
    assertThat(tracker.feedback(1, 2.0).known()).isFalse();
    ErrorSnapshot s = tracker.snapshot();
    assertThat(s.mae()).isEqualTo(1.0);
    assertThat(s.baselineMae()).isNull();
    assertThat(s.alert()).isFalse();
    assertThat(s.duplicateFeedback()).isEqualTo(1);
    assertThat(s.unknownFeedback()).isEqualTo(1);
  }

  @Test
  void noAlertBeforeMinSamplesFeedbacks() {
    // Baseline MAE 1; every prediction is 3 off: +200 %, far past maxChange 0.25.
    ErrorTracker tracker = new ErrorTracker(1.0, 1.0, 0.25, 100, 50, 5);
    for (long s = 1; s <= 5; s++) {
      tracker.remember(s, 10.0);
    }
    for (long s = 1; s <= 4; s++) {
      tracker.feedback(s, 13.0);
    }
    ErrorSnapshot four = tracker.snapshot();
    assertThat(four.mae()).isEqualTo(3.0);
    assertThat(four.status()).isEqualTo(DriftStatus.InsufficientData);
    assertThat(four.alert()).isFalse();
    assertThat(four.minSamples()).isEqualTo(5);

    tracker.feedback(5, 13.0);
    ErrorSnapshot five = tracker.snapshot();
    assertThat(five.status()).isEqualTo(DriftStatus.Alert);
    assertThat(five.alert()).isTrue();
  }

  @Test
  void withoutABaselineThereIsNoVerdict() {
    ErrorTracker tracker = new ErrorTracker(Double.NaN, Double.NaN, 0.25, 10, 10, 1);
    tracker.remember(1, 10.0);
    tracker.feedback(1, 30.0);
    assertThat(tracker.snapshot().status()).isEqualTo(DriftStatus.InsufficientData);
    assertThat(tracker.snapshot().alert()).isFalse();
  }

  @Test
  void minSamplesBeyondTheWindowIsRefused() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> new ErrorTracker(1.0, 1.0, 0.25, 10, 10, 11))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("minSamples");
  }

  @Test
  void totalsSumEveryFeedbackSinceStartBeyondTheWindowForThePodsReport() {
    ErrorTracker tracker = new ErrorTracker(2.0, 2.5, 0.25, 100, 2, 1);
    for (long s = 1; s <= 4; s++) {
      tracker.remember(s, 10.0);
    }
    tracker.feedback(1, 9.0); // |e| 1
    tracker.feedback(2, 13.0); // |e| 3
    tracker.feedback(3, 5.0); // |e| 5, evicts 1 from the window of 2
    tracker.feedback(3, 5.0); // duplicate: not counted
    tracker.feedback(99, 5.0); // unknown: not counted
    ErrorTotals totals = tracker.totals();
    assertThat(totals.count()).isEqualTo(3);
    assertThat(totals.absoluteErrorSum()).isEqualTo(9.0);
    assertThat(totals.squaredErrorSum()).isEqualTo(35.0);
    assertThat(totals.baselineMae()).isEqualTo(2.0);
    assertThat(totals.baselineRmse()).isEqualTo(2.5);
    assertThat(tracker.snapshot().mae()).as("the window still rolls").isEqualTo(4.0);
  }
}
