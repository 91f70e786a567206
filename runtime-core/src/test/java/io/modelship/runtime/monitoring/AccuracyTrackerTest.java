package io.modelship.runtime.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelship.runtime.monitoring.FeedbackResult.Outcome;
import java.util.ArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class AccuracyTrackerTest {

  @Test
  void aRememberedBatchTakesFeedbackForEachOfItsSequences() {
    var tracker = new AccuracyTracker(0.9, 0.05, 4, 100);
    tracker.rememberAll(10, new int[] {0, 1, 2, 1, 0});

    // Four are remembered: sequence 14 took the slot of 10 (14 mod 4 = 10 mod 4).
    assertThat(tracker.feedback(10, 0).outcome()).isEqualTo(FeedbackResult.Outcome.UnknownRequest);
    assertThat(tracker.feedback(11, 1).correct()).isTrue();
    assertThat(tracker.feedback(12, 0).correct()).isFalse();
    assertThat(tracker.feedback(14, 0).correct()).isTrue();
    assertThat(tracker.feedback(14, 0).outcome()).isEqualTo(FeedbackResult.Outcome.Duplicate);
    assertThat(tracker.snapshot().totalFeedback()).isEqualTo(3);
    assertThat(tracker.snapshot().totalCorrect()).isEqualTo(2);
  }

  @Test
  void rollingAccuracyCoversOnlyTheLastFeedbacks() {
    var tracker = new AccuracyTracker(0.9, 0.05, 100, 4);
    int[] predicted = {0, 1, 0, 0, 1, 1, 0};
    int[] actual = {0, 0, 0, 0, 0, 0, 0};
    // correct: T F T T F F T; window of 4 after each feedback:
    // [T]=1, [T F]=1/2, [T F T]=2/3, [T F T T]=3/4, [F T T F]=2/4, [T T F F]=2/4, [T F F T]=2/4
    double[] expected = {1.0, 0.5, 2.0 / 3, 0.75, 0.5, 0.5, 0.5};

    for (int i = 0; i < predicted.length; i++) {
      tracker.remember(i, predicted[i]);
      var result = tracker.feedback(i, actual[i]);

      assertThat(result.outcome()).isEqualTo(Outcome.Recorded);
      assertThat(result.correct()).isEqualTo(predicted[i] == actual[i]);
      assertThat(tracker.snapshot().accuracy()).isEqualTo(expected[i]);
    }
    var snapshot = tracker.snapshot();
    assertThat(snapshot.windowCount()).isEqualTo(4);
    assertThat(snapshot.totalFeedback()).isEqualTo(7);
    assertThat(snapshot.totalCorrect()).isEqualTo(4);
    assertThat(snapshot.trainingAccuracy()).isEqualTo(0.9);
    assertThat(snapshot.drop()).isEqualTo(0.9 - 0.5);
    assertThat(snapshot.alert()).isTrue();
  }

  @Test
  void beforeAnyFeedbackThereIsNoAccuracyAndNoAlert() {
    var snapshot = new AccuracyTracker(0.9).snapshot();

    assertThat(snapshot.windowCount()).isZero();
    assertThat(snapshot.accuracy()).isNull();
    assertThat(snapshot.drop()).isNull();
    assertThat(snapshot.alert()).isFalse();
    assertThat(snapshot.maxDrop()).isEqualTo(0.05);
  }

  @Test
  void unknownRequestChangesNothing() {
    var tracker = new AccuracyTracker(0.9);
    tracker.remember(100, 0);

    var result = tracker.feedback(200, 0);

    assertThat(result).isEqualTo(new FeedbackResult(Outcome.UnknownRequest, null, null));
    assertThat(result.known()).isFalse();
    var snapshot = tracker.snapshot();
    assertThat(snapshot.windowCount()).isZero();
    assertThat(snapshot.totalFeedback()).isZero();
    assertThat(snapshot.unknownFeedback()).isEqualTo(1);
  }

  @Test
  void secondFeedbackForTheSameRequestIsADuplicate() {
    var tracker = new AccuracyTracker(0.9);
    tracker.remember(1, 0);

    var first = tracker.feedback(1, 0);
    var second = tracker.feedback(1, 1);

    assertThat(first).isEqualTo(new FeedbackResult(Outcome.Recorded, 0, true));
    assertThat(second).isEqualTo(new FeedbackResult(Outcome.Duplicate, 0, null));
    assertThat(second.known()).isTrue();
    var snapshot = tracker.snapshot();
    assertThat(snapshot.windowCount()).isEqualTo(1);
    assertThat(snapshot.accuracy()).isEqualTo(1.0);
    assertThat(snapshot.duplicateFeedback()).isEqualTo(1);
  }

  @Test
  void oldestRememberedPredictionIsEvicted() {
    var tracker = new AccuracyTracker(0.9, 0.05, 3, 10);
    tracker.remember(1, 0);
    tracker.remember(2, 0);
    tracker.remember(3, 0);
    tracker.remember(4, 0);

    assertThat(tracker.feedback(1, 0).outcome()).isEqualTo(Outcome.UnknownRequest);
    assertThat(tracker.feedback(2, 0).outcome()).isEqualTo(Outcome.Recorded);
    assertThat(tracker.feedback(4, 0).outcome()).isEqualTo(Outcome.Recorded);
  }

  @Test
  void feedbackDoesNotKeepAPredictionFromEviction() {
    var tracker = new AccuracyTracker(0.9, 0.05, 2, 10);
    tracker.remember(1, 0);
    tracker.remember(2, 0);
    tracker.feedback(1, 0);
    tracker.remember(3, 0);

    assertThat(tracker.feedback(1, 0).outcome()).isEqualTo(Outcome.UnknownRequest);
    assertThat(tracker.feedback(2, 0).outcome()).isEqualTo(Outcome.Recorded);
  }

  @Test
  void alertOnlyWhenTheGapExceedsMaxDrop() {
    // A0 = 0.75 and maxDrop = 0.25 are exact in binary, so the boundary is tested exactly.
    var tracker = new AccuracyTracker(0.75, 0.25, 100, 4);
    feed(tracker, true, true, false, false);
    assertThat(tracker.snapshot().accuracy()).isEqualTo(0.5);
    assertThat(tracker.snapshot().drop()).isEqualTo(0.25);
    assertThat(tracker.snapshot().alert()).isFalse();

    feed(tracker, false);
    assertThat(tracker.snapshot().accuracy()).isEqualTo(0.25);
    assertThat(tracker.snapshot().alert()).isTrue();
  }

  @Test
  void accuracyFarAboveTrainingAlsoAlerts() {
    var tracker = new AccuracyTracker(0.75, 0.25, 100, 4);
    feed(tracker, true, true, true, true);
    assertThat(tracker.snapshot().drop()).isEqualTo(-0.25);
    assertThat(tracker.snapshot().alert()).isFalse();

    var higher = new AccuracyTracker(0.5, 0.25, 100, 4);
    feed(higher, true, true, true, true);
    assertThat(higher.snapshot().alert()).isTrue();
  }

  @Test
  void unknownTrainingAccuracyNeverAlerts() {
    var tracker = new AccuracyTracker(Double.NaN);
    feed(tracker, false, false);

    var snapshot = tracker.snapshot();
    assertThat(snapshot.accuracy()).isEqualTo(0.0);
    assertThat(snapshot.trainingAccuracy()).isNull();
    assertThat(snapshot.drop()).isNull();
    assertThat(snapshot.alert()).isFalse();
  }

  @Test
  void rejectsInvalidConfiguration() {
    assertThatThrownBy(() -> new AccuracyTracker(1.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("training accuracy");
    assertThatThrownBy(() -> new AccuracyTracker(0.9, -0.1, 10, 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxDrop");
    assertThatThrownBy(() -> new AccuracyTracker(0.9, 0.05, 0, 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("rememberedPredictions");
    assertThatThrownBy(() -> new AccuracyTracker(0.9, 0.05, 10, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("windowSize");
    assertThatThrownBy(() -> new AccuracyTracker(0.9).remember(-1, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sequence");
  }

  @Test
  void concurrentFeedbackIsCountedExactly() throws Exception {
    var tracker = new AccuracyTracker(0.5, 0.05, 100_000, 1000);
    int threads = 8;
    int requestsPerThread = 2000;

    try (var executor = Executors.newFixedThreadPool(threads)) {
      var results = new ArrayList<Future<?>>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        results.add(
            executor.submit(
                () -> {
                  for (int i = 0; i < requestsPerThread; i++) {
                    long id = (long) thread * requestsPerThread + i;
                    tracker.remember(id, 0);
                    tracker.feedback(id, i % 2 == 0 ? 0 : 1);
                    tracker.feedback(id, 0);
                  }
                  return null;
                }));
      }
      for (var result : results) {
        result.get();
      }
    }

    var snapshot = tracker.snapshot();
    assertThat(snapshot.totalFeedback()).isEqualTo(threads * requestsPerThread);
    assertThat(snapshot.totalCorrect()).isEqualTo(threads * requestsPerThread / 2);
    assertThat(snapshot.duplicateFeedback()).isEqualTo(threads * requestsPerThread);
    assertThat(snapshot.windowCount()).isEqualTo(1000);
  }

  private int sequence;

  private void feed(AccuracyTracker tracker, boolean... correct) {
    for (boolean c : correct) {
      long id = sequence++;
      tracker.remember(id, 0);
      tracker.feedback(id, c ? 0 : 1);
    }
  }

  @Test
  void theConfusionMatrixCountsFeedbackByTrueAndPredictedClassSinceStartNotOnlyInTheWindow() {
    var tracker = new AccuracyTracker(0.9, 0.05, 100, 2);
    tracker.remember(1, 0);
    tracker.remember(2, 0);
    tracker.remember(3, 2);
    tracker.feedback(1, 0);
    tracker.feedback(2, 1); // predicted 0, truly 1
    tracker.feedback(2, 1); // a repeat changes nothing
    tracker.feedback(3, 2);
    tracker.feedback(99, 1); // unknown request: nothing either
    tracker.feedbackFromElsewhere(1, 1);

    assertThat(tracker.confusion()).isEqualTo(new long[][] {{1, 0, 0}, {1, 1, 0}, {0, 0, 1}});
    assertThat(tracker.snapshot().windowCount()).isEqualTo(2);
  }
}
