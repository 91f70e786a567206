package io.modelship.operator.retraining;

import io.modelship.api.retraining.RetrainResult;
import io.modelship.api.v1alpha1.status.CandidateVerdict;
import io.modelship.api.v1alpha1.status.RetrainingCandidate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * A candidate against the serving version on the same held-out recent rows: Better only when its
 * metric beats the serving version's by at least minImprovement in the metric's direction (higher
 * accuracy, lower rmse).
 *
 * <p>Worked example: accuracy 0.96 against 0.95 with minImprovement 0.01 is Better (by 0.0100);
 * 0.955 is NotBetter; rmse 0.40 against 0.45 is Better (lower by 0.05).
 */
final class CandidateVerdicts {

  private CandidateVerdicts() {}

  static RetrainingCandidate of(
      RetrainResult result,
      String job,
      String servingVersion,
      double minImprovement,
      Instant finishedAt) {
    double candidate = result.candidate();
    double serving = result.serving();
    // Rounded so 0.96 - 0.95 (0.00999…) counts as the 0.01 it is.
    double gain =
        Math.round((result.higherIsBetter() ? candidate - serving : serving - candidate) * 1e9)
            / 1e9;
    boolean better = gain >= minImprovement;
    var c = new RetrainingCandidate();
    c.setVersion(result.version());
    c.setUri(result.uri());
    c.setSha256(result.sha256());
    c.setSize(result.size());
    c.setCreatedAt(finishedAt.truncatedTo(ChronoUnit.SECONDS).toString());
    c.setJob(job);
    c.setServingVersion(servingVersion);
    c.setMetric(result.metric());
    c.setCandidateValue(candidate);
    c.setServingValue(serving);
    c.setHeldOutRows(result.heldOutRows());
    c.setVerdict(better ? CandidateVerdict.Better : CandidateVerdict.NotBetter);
    c.setMessage(
        result.metric()
            + " "
            + TriggerCheck.fixed(candidate)
            + " against "
            + TriggerCheck.fixed(serving)
            + " for "
            + servingVersion
            + (result.heldOutRows() == null
                ? ""
                : " on the same " + result.heldOutRows() + " held-out recent rows")
            + (better ? ": better by " : ": not better (")
            + TriggerCheck.fixed(gain)
            + (better ? "" : ")")
            + (result.higherIsBetter() ? "" : ", lower is better")
            + "; at least "
            + minImprovement
            + " needed");
    return c;
  }
}
