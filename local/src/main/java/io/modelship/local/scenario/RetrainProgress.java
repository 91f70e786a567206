package io.modelship.local.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/**
 * How far the retrain scenario's loop has come, judged from the ModelDeployment's {@code
 * status.retraining} alone (pure): no run yet, a run under way, a candidate that beats the serving
 * version (the scenario adopts it), or an ending that is not that — a run that failed, timed out or
 * found no new data, or a candidate that is not better.
 *
 * @param candidateVersion the candidate's version once there is one
 */
public record RetrainProgress(Stage stage, String message, String candidateVersion) {

  public enum Stage {
    WAITING_FOR_TRIGGER,
    RETRAINING,
    CANDIDATE_BETTER,
    FAILED
  }

  public static RetrainProgress of(JsonNode md) {
    JsonNode status = md.path("status");
    JsonNode retraining = status.path("retraining");
    JsonNode runs = retraining.path("runs");
    if (!runs.isArray() || runs.isEmpty()) {
      return new RetrainProgress(
          Stage.WAITING_FOR_TRIGGER,
          "Retraining: no run yet (drift "
              + status.path("drift").path("status").asText("-")
              + ", accuracy "
              + status.path("accuracy").path("status").asText("-")
              + ")",
          null);
    }
    JsonNode run = runs.get(0); // newest first
    String started =
        "run "
            + run.path("job").asText("?")
            + " started by "
            + run.path("trigger").asText("?")
            + (run.path("triggerMessage").isTextual()
                ? " (" + run.path("triggerMessage").asText() + ")"
                : "");
    String outcome = run.path("outcome").asText("Running");
    if (outcome.equals("Running")) {
      return new RetrainProgress(Stage.RETRAINING, "Retraining: " + started + ", running", null);
    }
    if (!outcome.equals("Succeeded")) {
      return new RetrainProgress(
          Stage.FAILED,
          "Retraining: "
              + started
              + ", ended "
              + outcome
              + ": "
              + run.path("reason").asText("no reason given"),
          null);
    }
    String version = run.path("candidateVersion").asText("");
    for (JsonNode candidate : retraining.path("candidates")) {
      if (candidate.path("version").asText().equals(version)) {
        String compared =
            String.format(
                Locale.ROOT,
                "candidate %s: %s %.3f against %.3f for the serving %s on %d held-out recent rows",
                version,
                candidate.path("metric").asText("accuracy"),
                candidate.path("candidateValue").asDouble(Double.NaN),
                candidate.path("servingValue").asDouble(Double.NaN),
                candidate.path("servingVersion").asText("version"),
                candidate.path("heldOutRows").asInt());
        boolean better = candidate.path("verdict").asText().equals("Better");
        return new RetrainProgress(
            better ? Stage.CANDIDATE_BETTER : Stage.FAILED,
            "Retraining: "
                + started
                + "; "
                + compared
                + " ("
                + candidate.path("verdict").asText()
                + ")",
            version);
      }
    }
    return new RetrainProgress(
        Stage.RETRAINING,
        "Retraining: " + started + ", succeeded; candidate " + version + " not recorded yet",
        null);
  }
}
