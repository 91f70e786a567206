package io.modelship.local.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelship.local.traffic.TrafficGenerator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The live view of a rollout as plain text, from the ModelDeployment, the Deployments labelled
 * {@code modelship.io/deployment=<name>} and what the traffic generator saw. Pure; a placeholder
 * for the kubectl plugin's {@code get --watch} renderer, which shows the same fields.
 */
public final class RolloutView {

  private RolloutView() {}

  public static String render(JsonNode md, List<JsonNode> deployments, TrafficGenerator.Stats traffic) {
    StringBuilder out = new StringBuilder();
    JsonNode spec = md.path("spec");
    JsonNode status = md.path("status");
    JsonNode rollout = status.path("rollout");
    out.append(String.format(Locale.ROOT, "ModelDeployment %s/%s   phase %s   spec version %s%n",
        md.path("metadata").path("namespace").asText(), md.path("metadata").path("name").asText(),
        status.path("phase").asText("-"), spec.path("model").path("version").asText()));
    String strategy = spec.path("rollout").path("strategy").asText("RollingUpdate");
    out.append(String.format(Locale.ROOT, "  strategy %s   stable %s   new %s   weight desired %s actual %s%n", strategy,
        status.path("stableVersion").asText("-"), status.path("canaryVersion").asText("-"),
        percent(rollout.path("desiredWeight").isMissingNode() ? status.path("canaryWeight") : rollout.path("desiredWeight")),
        percent(rollout.path("actualWeight"))));
    JsonNode steps = spec.path("rollout").path("canary").path("steps");
    if (strategy.equals("Canary") && steps.isArray() && !steps.isEmpty()) {
      int currentStep = status.path("currentStep").asInt(rollout.path("stepIndex").asInt(-1));
      boolean rolling = !status.path("canaryVersion").asText("").isEmpty();
      out.append("  steps:");
      for (int i = 0; i < steps.size(); i++) {
        String mark = !rolling ? " " : i < currentStep ? "x" : i == currentStep ? ">" : " ";
        out.append(' ').append('[').append(mark).append("] ").append(step(steps.get(i)));
      }
      out.append(System.lineSeparator());
    }
    if (strategy.equals("BlueGreen")) {
      out.append(String.format(Locale.ROOT, "  active %s   preview %s%n", rollout.path("activeVersion").asText("-"),
          rollout.path("previewVersion").asText("-")));
    }
    out.append("  replicas:");
    if (deployments.isEmpty()) {
      out.append(" none");
    }
    for (JsonNode d : deployments) {
      out.append(String.format(Locale.ROOT, "  %s %d/%d ready",
          d.path("metadata").path("labels").path("modelship.io/version").asText("?"),
          d.path("status").path("readyReplicas").asInt(), d.path("spec").path("replicas").asInt()));
    }
    out.append(System.lineSeparator());
    if (traffic != null) {
      out.append(String.format(Locale.ROOT, "  traffic (last 10 s, as clients saw it):"));
      for (Map.Entry<String, Double> e : traffic.versionShare().entrySet()) {
        out.append(String.format(Locale.ROOT, "  %s %.0f%%", e.getKey(), 100 * e.getValue()));
      }
      out.append(String.format(Locale.ROOT, "   sent %d, ok %d, failed %d, feedback %d%n", traffic.sent(), traffic.ok(),
          traffic.failed(), traffic.feedback()));
    }
    JsonNode analysis = rollout.path("analysis");
    if (!analysis.isMissingNode()) {
      out.append(String.format(Locale.ROOT, "  analysis: %d passed, %d failed, %d inconclusive%n",
          analysis.path("passed").asInt(), analysis.path("failed").asInt(), analysis.path("inconclusive").asInt()));
      JsonNode m = analysis.path("measurements");
      for (int i = Math.max(0, m.size() - 6); i < m.size(); i++) {
        JsonNode x = m.get(i);
        out.append(String.format(Locale.ROOT, "    %-18s %10s  threshold %-8s %-12s %d samples%n",
            x.path("metric").asText(), number(x.path("value")), number(x.path("threshold")),
            x.path("verdict").asText(), x.path("samples").asLong()));
      }
    }
    for (JsonNode c : status.path("conditions")) {
      out.append(String.format(Locale.ROOT, "  %-11s %-5s %s: %s%n", c.path("type").asText(), c.path("status").asText(),
          c.path("reason").asText(), c.path("message").asText()));
    }
    if (rollout.hasNonNull("abortReason")) {
      out.append("  aborted: ").append(rollout.path("abortReason").asText()).append(System.lineSeparator());
    }
    JsonNode history = status.path("history");
    if (history.isArray() && !history.isEmpty()) {
      JsonNode last = history.get(history.size() - 1);
      out.append(String.format(Locale.ROOT, "  last outcome: %s %s %s%n", last.path("version").asText(),
          last.path("outcome").asText(), last.path("message").asText("")));
    }
    return out.toString();
  }

  static String step(JsonNode step) {
    if (step.has("setWeight")) {
      return "setWeight " + step.path("setWeight").asInt() + "%";
    }
    if (step.has("pause")) {
      return "pause " + step.path("pause").path("duration").asText("until promoted");
    }
    if (step.has("setMirror")) {
      return "mirror " + step.path("setMirror").path("percent").asInt() + "%";
    }
    if (step.has("setHeaderRoute")) {
      return "header " + step.path("setHeaderRoute").path("name").asText() + "="
          + step.path("setHeaderRoute").path("value").asText();
    }
    return step.toString();
  }

  private static String percent(JsonNode n) {
    return n.isMissingNode() || n.isNull() ? "-" : n.asInt() + "%";
  }

  private static String number(JsonNode n) {
    if (n.isMissingNode() || n.isNull()) {
      return "-";
    }
    double v = n.asDouble();
    return v == Math.rint(v) && Math.abs(v) < 1e9 ? Long.toString((long) v) : String.format(Locale.ROOT, "%.4f", v);
  }
}
