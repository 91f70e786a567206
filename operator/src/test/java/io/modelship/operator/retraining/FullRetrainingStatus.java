package io.modelship.operator.retraining;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.modelship.api.retraining.RetrainResult;
import io.modelship.api.retraining.RetrainingDefaults;
import io.modelship.api.v1alpha1.ModelDeployment;
import io.modelship.api.v1alpha1.status.RetrainingCandidate;
import io.modelship.api.v1alpha1.status.RetrainingOutcome;
import io.modelship.api.v1alpha1.status.RetrainingRun;
import io.modelship.api.v1alpha1.status.RetrainingStatus;
import io.modelship.api.v1alpha1.status.RetrainingTrigger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The largest status.retraining the operator keeps, for the status budget: as many runs and
 * candidates as the planner keeps, each field as long as the operator lets it be (reasons at {@link
 * JobResult#REASON_MAX}, a drift trigger naming the five features it names at most, Job names at
 * their cap), built with the operator's own message code where there is one.
 */
public final class FullRetrainingStatus {

  private FullRetrainingStatus() {}

  /**
   * @param servingVersion the version the runs retrained
   * @param featureNames the model's feature names; the drift messages name the first five
   */
  public static RetrainingStatus of(String servingVersion, List<String> featureNames, Instant now) {
    // A name at the API's 253-character limit: the Job names are capped at 63.
    var md = new ModelDeployment();
    md.setMetadata(new ObjectMetaBuilder().withNamespace("ml").withName("m".repeat(253)).build());
    String output = "s3://" + "b".repeat(63) + "/" + "prefix/".repeat(20);
    var runs = new ArrayList<RetrainingRun>();
    var candidates = new ArrayList<RetrainingCandidate>();
    for (int n = RetrainingPlanner.RUNS_LIMIT; n >= 1; n--) {
      Instant started = now.minus(RetrainingDefaults.COOLDOWN.multipliedBy(n));
      Instant finished = started.plusSeconds(RetrainingDefaults.ACTIVE_DEADLINE_SECONDS);
      String candidateVersion = servingVersion + "-retrain." + (1000 + n);
      var run = new RetrainingRun();
      run.setJob(RetrainJobs.jobName(md, 1000 + n));
      run.setTrigger(RetrainingTrigger.Drift);
      run.setTriggerMessage(driftMessage(featureNames));
      run.setServingVersion(servingVersion);
      run.setStartedAt(TriggerCheck.seconds(started));
      run.setFinishedAt(TriggerCheck.seconds(finished));
      run.setOutcome(RetrainingOutcome.Succeeded);
      run.setReason(
          JobResult.shorten("retrained: " + "a long account of what the run did; ".repeat(20)));
      run.setCandidateVersion(candidateVersion);
      run.setNewestRow(TriggerCheck.seconds(finished));
      runs.add(run);
      if (candidates.size() < RetrainingPlanner.CANDIDATES_LIMIT) {
        candidates.add(
            CandidateVerdicts.of(
                new RetrainResult(
                    RetrainResult.SUCCEEDED,
                    "ok",
                    candidateVersion,
                    output + "iris-" + candidateVersion + ".tar.gz",
                    "f".repeat(64),
                    123_456_789L,
                    "accuracy",
                    0.9712345678901234,
                    0.9012345678901234,
                    RetrainingDefaults.MAX_ROWS / 5,
                    1_000_000,
                    RetrainingDefaults.MAX_ROWS,
                    TriggerCheck.seconds(finished)),
                run.getJob(),
                servingVersion,
                RetrainingDefaults.MIN_IMPROVEMENT,
                finished));
      }
    }
    var status = new RetrainingStatus();
    status.setRuns(List.copyOf(runs));
    status.setCandidates(List.copyOf(candidates));
    status.setDriftAlertSince(TriggerCheck.seconds(now));
    status.setLastScheduleTime(TriggerCheck.seconds(now));
    status.setHandledRetrainToken("t".repeat(64));
    return status;
  }

  /** What TriggerCheck writes for drift on every feature at once (it names five, then "…"). */
  static String driftMessage(List<String> features) {
    var named = new ArrayList<String>();
    for (String f : features.subList(0, Math.min(5, features.size()))) {
      named.add(f + " " + TriggerCheck.fixed(0.987654));
    }
    return "drift at Alert on "
        + features.size()
        + " features ("
        + String.join(", ", named)
        + (features.size() > 5 ? ", …" : "")
        + ") for 1d23h59m59s; trigger: at least "
        + features.size()
        + " for 1d23h59m59s";
  }
}
