package io.modelship.runtime.monitoring;

/**
 * What became of one ground-truth feedback.
 *
 * @param outcome whether it was counted
 * @param predictedClass the class index that was predicted for the request, or null if the request
 *     is unknown
 * @param correct whether the prediction matched the true label; null unless the feedback was
 *     recorded
 */
public record FeedbackResult(Outcome outcome, Integer predictedClass, Boolean correct) {

  /** Whether a feedback was counted, and if not, why. */
  public enum Outcome {
    /** Counted towards the rolling accuracy. */
    Recorded,
    /** The request id was never remembered or has been evicted; nothing changed. */
    UnknownRequest,
    /** Feedback for this request was already counted; nothing changed. */
    Duplicate
  }

  static FeedbackResult recorded(Integer predictedClass, boolean correct) {
    return new FeedbackResult(Outcome.Recorded, predictedClass, correct);
  }

  static FeedbackResult unknownRequest() {
    return new FeedbackResult(Outcome.UnknownRequest, null, null);
  }

  static FeedbackResult duplicate(Integer predictedClass) {
    return new FeedbackResult(Outcome.Duplicate, predictedClass, null);
  }

  /** Whether the request id was known (recorded now or before). */
  public boolean known() {
    return outcome != Outcome.UnknownRequest;
  }
}
