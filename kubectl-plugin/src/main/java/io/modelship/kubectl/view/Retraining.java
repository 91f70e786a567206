package io.modelship.kubectl.view;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What a ModelDeployment says about retraining: whether {@code spec.retraining} is set, and the
 * runs and candidates the operator keeps in {@code status.retraining} (both newest first, as the
 * operator writes them). Read leniently like the rest of the view; the names the plugin compares
 * ({@link #BETTER}, {@link #RUNNING}, {@link #RETRAIN_ANNOTATION}) are held to api's enums and
 * constants by a test.
 */
public record Retraining(boolean configured, List<Run> runs, List<Candidate> candidates) {

  /** The manual trigger: a new token here starts one run (api RetrainJob.RETRAIN_ANNOTATION). */
  public static final String RETRAIN_ANNOTATION = "modelship.io/retrain";

  /** api CandidateVerdict.Better. */
  public static final String BETTER = "Better";

  /** api RetrainingOutcome.Running. */
  public static final String RUNNING = "Running";

  /** One entry of status.retraining.runs. */
  public record Run(
      String job,
      String trigger,
      String triggerMessage,
      String servingVersion,
      Instant startedAt,
      Instant finishedAt,
      String outcome,
      String reason,
      String candidateVersion) {

    /** "Drift: drift at Alert on 3 features for 31m", or just the trigger. */
    public String triggerText() {
      if (triggerMessage == null || triggerMessage.isBlank()) {
        return trigger == null ? "-" : trigger;
      }
      return trigger == null ? triggerMessage : trigger + ": " + triggerMessage;
    }

    /** How long it ran (until now while it runs), or null when it never started. */
    public Duration duration(Instant now) {
      if (startedAt == null) {
        return null;
      }
      Instant end = finishedAt != null ? finishedAt : now;
      return Duration.between(startedAt, end);
    }
  }

  /** One entry of status.retraining.candidates. */
  public record Candidate(
      String version,
      String uri,
      String sha256,
      Instant createdAt,
      String job,
      String servingVersion,
      String metric,
      Double candidateValue,
      Double servingValue,
      Integer heldOutRows,
      String verdict,
      String message) {

    public boolean better() {
      return BETTER.equals(verdict);
    }

    /**
     * "accuracy 0.953 vs 0.712 on 240 rows": the candidate's metric against the serving version's
     * on the same held-out rows; the operator's message when the numbers are missing.
     */
    public String comparison() {
      if (candidateValue == null || servingValue == null) {
        return message == null ? "no comparison recorded" : message;
      }
      return (metric == null ? "metric" : metric)
          + " "
          + Format.number(candidateValue)
          + " vs "
          + Format.number(servingValue)
          + (heldOutRows == null ? "" : " on " + heldOutRows + " rows");
    }
  }

  static Retraining from(Fields spec, Fields status) {
    return new Retraining(
        spec.get("retraining").present(),
        status.get("runs").list().stream()
            .map(
                r ->
                    new Run(
                        r.get("job").string(),
                        r.get("trigger").string(),
                        r.get("triggerMessage").string(),
                        r.get("servingVersion").string(),
                        r.get("startedAt").instant(),
                        r.get("finishedAt").instant(),
                        r.get("outcome").string(),
                        r.get("reason").string(),
                        r.get("candidateVersion").string()))
            .toList(),
        status.get("candidates").list().stream()
            .map(
                c ->
                    new Candidate(
                        c.get("version").string(),
                        c.get("uri").string(),
                        c.get("sha256").string(),
                        c.get("createdAt").instant(),
                        c.get("job").string(),
                        c.get("servingVersion").string(),
                        c.get("metric").string(),
                        c.get("candidateValue").number(),
                        c.get("servingValue").number(),
                        c.get("heldOutRows").integer(),
                        c.get("verdict").string(),
                        c.get("message").string()))
            .filter(c -> c.version() != null)
            .toList());
  }

  /** Anything to show: spec.retraining is set, or status.retraining has runs or candidates. */
  public boolean any() {
    return configured || !runs.isEmpty() || !candidates.isEmpty();
  }

  /** The newest run while it runs, else null. */
  public Run running() {
    return runs.stream().filter(r -> RUNNING.equals(r.outcome())).findFirst().orElse(null);
  }

  /** The newest candidate whose verdict is Better, else null. */
  public Candidate newestBetter() {
    return candidates.stream().filter(Candidate::better).findFirst().orElse(null);
  }

  public Candidate candidate(String version) {
    return candidates.stream().filter(c -> version.equals(c.version())).findFirst().orElse(null);
  }
}
