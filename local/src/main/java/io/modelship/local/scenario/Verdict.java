package io.modelship.local.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * Whether a scenario has ended, and how, judged from the ModelDeployment alone (pure). A scenario
 * succeeds only on the ending it is about: a canary promoted with analysis measurements in status,
 * a rollback rolled back with its reason, a blue-green promoted; a rollout that fails or promotes
 * what it should not ends the scenario as failed.
 */
public record Verdict(Outcome outcome, String message) {

  public enum Outcome {
    RUNNING,
    SUCCEEDED,
    FAILED
  }

  public static Verdict judge(Scenario scenario, JsonNode md) {
    return judge(scenario, md, scenario.newVersion());
  }

  /** As {@link #judge(Scenario, JsonNode)}, towards {@code target} (the retrain's candidate). */
  public static Verdict judge(Scenario scenario, JsonNode md, String target) {
    JsonNode status = md.path("status");
    String phase = status.path("phase").asText("");
    String stable = status.path("stableVersion").asText("");
    long generation = md.path("metadata").path("generation").asLong(0);
    boolean current = status.path("observedGeneration").asLong(-1) == generation;
    Optional<JsonNode> last = lastHistory(status);
    String lastOutcome = last.map(h -> h.path("outcome").asText()).orElse("");
    String lastVersion = last.map(h -> h.path("version").asText()).orElse("");
    boolean ready = readyTrue(status);
    String message = conditionMessage(status);
    if (scenario == Scenario.ROLLBACK) {
      if (stable.equals(target)) {
        return new Verdict(
            Outcome.FAILED, "the bad version " + target + " was promoted: " + message);
      }
      String reason = status.path("rollout").path("abortReason").asText("");
      boolean rolledBack = lastOutcome.equals("RolledBack") || !reason.isEmpty();
      if (current
          && phase.equals("Degraded")
          && stable.equals(Scenario.STABLE_VERSION)
          && rolledBack) {
        return new Verdict(
            Outcome.SUCCEEDED,
            "rolled back to "
                + stable
                + ": "
                + (reason.isEmpty()
                    ? last.map(h -> h.path("message").asText()).orElse(message)
                    : reason));
      }
      if (current && phase.equals("Failed")) {
        return new Verdict(Outcome.FAILED, "rollout Failed instead of rolling back: " + message);
      }
      return new Verdict(Outcome.RUNNING, phase);
    }
    if (current && (phase.equals("Degraded") || phase.equals("Failed"))) {
      return new Verdict(
          Outcome.FAILED, "rollout of " + target + " ended " + phase + ": " + message);
    }
    boolean promoted = current && phase.equals("Healthy") && ready && stable.equals(target);
    if (!promoted) {
      return new Verdict(Outcome.RUNNING, phase);
    }
    return switch (scenario) {
      case ROLLING, S3 -> new Verdict(Outcome.SUCCEEDED, target + " rolled out: " + message);
      case BLUEGREEN ->
          lastOutcome.equals("Promoted") && lastVersion.equals(target)
              ? new Verdict(Outcome.SUCCEEDED, target + " promoted by blue-green: " + message)
              : new Verdict(
                  Outcome.FAILED, target + " is stable but history does not record it Promoted");
      case CANARY, RETRAIN -> {
        if (!(lastOutcome.equals("Promoted") && lastVersion.equals(target))) {
          yield new Verdict(
              Outcome.FAILED, target + " is stable but history does not record it Promoted");
        }
        int measurements = status.path("rollout").path("analysis").path("measurements").size();
        yield measurements > 0
            ? new Verdict(
                Outcome.SUCCEEDED,
                target
                    + " promoted after the canary steps, "
                    + status.path("rollout").path("analysis").path("passed").asInt()
                    + " analysis judgements passed")
            : new Verdict(
                Outcome.FAILED, target + " promoted without analysis measurements in status");
      }
      case ROLLBACK -> throw new IllegalStateException("handled above");
      case AUTOSCALE ->
          throw new IllegalStateException(
              "the autoscale scenario is judged by ScenarioRunner.autoscale");
    };
  }

  /** True once version 1.0.0 serves: Healthy and Ready, with the current generation observed. */
  public static boolean stableUp(JsonNode md) {
    JsonNode status = md.path("status");
    return status.path("observedGeneration").asLong(-1)
            == md.path("metadata").path("generation").asLong(0)
        && status.path("phase").asText().equals("Healthy")
        && readyTrue(status)
        && status.path("stableVersion").asText().equals(Scenario.STABLE_VERSION);
  }

  private static boolean readyTrue(JsonNode status) {
    for (JsonNode c : status.path("conditions")) {
      if (c.path("type").asText().equals("Ready")) {
        return c.path("status").asText().equals("True");
      }
    }
    return false;
  }

  private static String conditionMessage(JsonNode status) {
    for (JsonNode c : status.path("conditions")) {
      if (c.path("type").asText().equals("Ready")) {
        return c.path("reason").asText() + ": " + c.path("message").asText();
      }
    }
    return "no Ready condition";
  }

  private static Optional<JsonNode> lastHistory(JsonNode status) {
    JsonNode history = status.path("history");
    return history.isArray() && !history.isEmpty()
        ? Optional.of(history.get(history.size() - 1))
        : Optional.empty();
  }
}
