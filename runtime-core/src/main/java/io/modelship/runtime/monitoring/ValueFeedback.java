package io.modelship.runtime.monitoring;

/**
 * What became of one ground-truth feedback for a regressor.
 *
 * @param outcome whether it was counted
 * @param predicted the value predicted for the request, or null if the request is unknown
 * @param error predicted minus true value; null unless the feedback was recorded
 */
public record ValueFeedback(FeedbackResult.Outcome outcome, Double predicted, Double error) {

  static ValueFeedback recorded(double predicted, double error) {
    return new ValueFeedback(FeedbackResult.Outcome.Recorded, predicted, error);
  }

  static ValueFeedback unknownRequest() {
    return new ValueFeedback(FeedbackResult.Outcome.UnknownRequest, null, null);
  }

  static ValueFeedback duplicate(double predicted) {
    return new ValueFeedback(FeedbackResult.Outcome.Duplicate, predicted, null);
  }

  public boolean known() {
    return outcome != FeedbackResult.Outcome.UnknownRequest;
  }
}
