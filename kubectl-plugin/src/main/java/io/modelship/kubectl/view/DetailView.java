package io.modelship.kubectl.view;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.modelship.kubectl.view.ModelDeploymentView.Condition;
import io.modelship.kubectl.view.ModelDeploymentView.Measurement;
import io.modelship.kubectl.view.ModelDeploymentView.Rollout;
import io.modelship.kubectl.view.ModelDeploymentView.Step;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code kubectl modelship get NAME}: one ModelDeployment's rollout at a glance. A pure function of
 * the resource, its Deployments and the time, so local mode can reuse it and tests can pin it.
 */
public final class DetailView {

  /** Metrics in the order the analysis spec lists them; unknown ones follow. */
  static final List<String> METRIC_ORDER =
      List.of(
          "errorRate",
          "latencyP99Ms",
          "driftScore",
          "predictionShift",
          "errorRateIncrease",
          "latencyP99Ratio",
          "accuracyDrop");

  private DetailView() {}

  public static String render(
      Map<String, Object> resource, List<Deployment> deployments, Instant now) {
    return render(ModelDeploymentView.from(resource), VersionReplicas.of(deployments), now);
  }

  public static String render(ModelDeploymentView md, List<VersionReplicas> replicas, Instant now) {
    var out = new StringBuilder();
    header(md, out, now);
    if (ModelDeploymentView.CANARY.equals(md.strategy())) {
      steps(md, out, now);
    } else if (ModelDeploymentView.BLUE_GREEN.equals(md.strategy())) {
      blueGreen(md, out);
    }
    replicas(md, replicas, out);
    analysis(md, out, now);
    drift(md, out);
    retraining(md, out, now);
    conditions(md, out, now);
    return out.toString();
  }

  private static void header(ModelDeploymentView md, StringBuilder out, Instant now) {
    String phase = md.phase().text();
    if (!md.observedCurrent() && md.phase() != Phase.UNKNOWN) {
      phase +=
          " (status is for generation "
              + md.observedGeneration()
              + ", spec is "
              + md.generation()
              + ": the operator has not caught up)";
    } else if (md.phase() == Phase.UNKNOWN) {
      phase = "Unknown (no status yet: is the operator running?)";
    }
    field(out, "Name", md.ref());
    field(out, "Model", md.modelName() + " " + md.specVersion());
    field(out, "Strategy", md.strategy());
    field(out, "Phase", phase);
    String headline = md.headline();
    if (headline != null) {
      field(out, "Message", headline);
    }
    field(out, "Stable", Objects.requireNonNullElse(md.stableVersion(), "-"));
    if (md.rolloutInProgress() || md.retryable()) {
      field(out, "New", Objects.requireNonNullElse(md.newVersion(), md.specVersion()));
    }
    if (ModelDeploymentView.CANARY.equals(md.strategy()) && md.rolloutInProgress()) {
      field(out, "Traffic", traffic(md));
    }
    if (md.url() != null) {
      field(out, "URL", md.url());
    }
    if (md.created() != null) {
      field(out, "Age", Format.age(md.created(), now));
    }
  }

  private static String traffic(ModelDeploymentView md) {
    Rollout r = md.rollout();
    var text =
        new StringBuilder("desired ")
            .append(Format.percent(md.desiredWeight()))
            .append(", actual ")
            .append(Format.percent(r == null ? null : r.actualWeight()))
            .append(" on ")
            .append(md.newVersion());
    if (r != null && r.mirrorPercent() != null) {
      text.append("; mirror ").append(r.mirrorPercent()).append("% to ").append(md.newVersion());
    }
    if (r != null && r.headerRoute() != null) {
      text.append("; requests with ")
          .append(r.headerRoute().name())
          .append(": ")
          .append(r.headerRoute().value())
          .append(" → ")
          .append(md.newVersion());
    }
    return text.toString();
  }

  private static void steps(ModelDeploymentView md, StringBuilder out, Instant now) {
    out.append("\nSteps:");
    if (md.steps().isEmpty()) {
      out.append(" none (the new version takes all traffic once ready)\n");
      return;
    }
    boolean active = md.rolloutInProgress() || md.retryable();
    out.append(active ? "\n" : " (no rollout in progress)\n");
    Integer current = active ? md.stepIndex() : null;
    for (int i = 0; i < md.steps().size(); i++) {
      Step step = md.steps().get(i);
      String mark = "  ";
      String note = "";
      if (current != null && i < current) {
        mark = "✓ ";
      } else if (current != null && i == current) {
        mark = md.phase() == Phase.DEGRADED ? "✗ " : "▶ ";
        note = currentNote(md, step, now);
      }
      out.append("  ").append(mark).append(String.format("%-3d", i + 1)).append(step.text());
      if (!note.isEmpty()) {
        out.append("   ← ").append(note);
      }
      out.append('\n');
    }
  }

  private static String currentNote(ModelDeploymentView md, Step step, Instant now) {
    Rollout r = md.rollout();
    if (md.phase() == Phase.DEGRADED) {
      return "rolled back here";
    }
    if (step.pause()) {
      Instant started = r == null ? null : r.pauseStartedAt();
      if (step.pauseDuration() == null) {
        return "paused"
            + (started == null ? "" : " " + Format.age(started, now))
            + ", until promoted";
      }
      if (started == null) {
        return "pausing " + GoDuration.format(step.pauseDuration());
      }
      Duration left = step.pauseDuration().minus(Duration.between(started, now));
      return "paused "
          + Format.age(started, now)
          + ", "
          + GoDuration.format(left.isNegative() ? Duration.ZERO : left)
          + " left";
    }
    if (step.weight() != null) {
      return "desired "
          + Format.percent(md.desiredWeight())
          + ", actual "
          + Format.percent(r == null ? null : r.actualWeight());
    }
    return "in force";
  }

  private static void blueGreen(ModelDeploymentView md, StringBuilder out) {
    Rollout r = md.rollout();
    String active = r != null && r.activeVersion() != null ? r.activeVersion() : md.stableVersion();
    String preview =
        r != null && r.previewVersion() != null
            ? r.previewVersion()
            : md.rolloutInProgress() ? md.newVersion() : null;
    out.append("\nServices:\n");
    var table = new TextTable("  ", "SERVICE", "VERSION", "ROLE");
    table.row(md.name(), active, "active");
    table.row(md.name() + "-preview", preview == null ? "-" : preview, "preview");
    table.appendTo(out);
    if (md.rolloutInProgress()) {
      out.append("  ")
          .append(
              md.autoPromotionSeconds() == null
                  ? "switches when promoted (kubectl modelship promote "
                      + md.name()
                      + (md.namespace() == null ? "" : " -n " + md.namespace())
                      + ")"
                  : "switches automatically "
                      + md.autoPromotionSeconds()
                      + "s after the preview is ready, or when promoted")
          .append('\n');
    }
  }

  private static void replicas(
      ModelDeploymentView md, List<VersionReplicas> replicas, StringBuilder out) {
    out.append("\nReplicas:");
    if (replicas.isEmpty()) {
      out.append(
          " no Deployments labelled " + VersionReplicas.DEPLOYMENT_LABEL + "=" + md.name() + "\n");
      return;
    }
    out.append('\n');
    var table = new TextTable("  ", "VERSION", "ROLE", "DESIRED", "READY");
    for (VersionReplicas v : replicas) {
      table.row(v.version(), role(md, v.version()), v.desired(), v.ready());
    }
    table.appendTo(out);
  }

  static String role(ModelDeploymentView md, String version) {
    boolean blueGreen = ModelDeploymentView.BLUE_GREEN.equals(md.strategy());
    if (version.equals(md.stableVersion())) {
      return blueGreen ? "active" : "stable";
    }
    if (version.equals(md.newVersion()) || version.equals(md.specVersion())) {
      return blueGreen ? "preview" : "canary";
    }
    return "old";
  }

  private static void analysis(ModelDeploymentView md, StringBuilder out, Instant now) {
    var analysis = md.rollout() == null ? null : md.rollout().analysis();
    if (analysis == null) {
      return;
    }
    out.append("\nAnalysis: ")
        .append(n(analysis.passed()))
        .append(" passed, ")
        .append(n(analysis.failed()))
        .append(" failed, ")
        .append(n(analysis.inconclusive()))
        .append(" inconclusive");
    if (analysis.lastJudgedAt() != null) {
      out.append("; last judged ").append(Format.age(analysis.lastJudgedAt(), now)).append(" ago");
    }
    out.append('\n');
    Map<String, Measurement> latest = new LinkedHashMap<>();
    for (Measurement m : analysis.measurements()) {
      if (m.metric() != null) {
        latest.put(m.metric(), m);
      }
    }
    if (latest.isEmpty()) {
      out.append("  no measurements yet\n");
      return;
    }
    var table =
        new TextTable("  ", "METRIC", "VALUE", "THRESHOLD", "VERDICT", "SAMPLES", "WINDOW", "AGE");
    latest.values().stream()
        .sorted(
            Comparator.comparingInt(
                m -> {
                  int i = METRIC_ORDER.indexOf(m.metric());
                  return i < 0 ? METRIC_ORDER.size() : i;
                }))
        .forEach(
            m ->
                table.row(
                    m.metric(),
                    value(m.metric(), m.value()),
                    m.threshold() == null ? "-" : "≤ " + value(m.metric(), m.threshold()),
                    verdict(m.verdict()),
                    m.samples(),
                    m.window(),
                    Format.age(m.time(), now)));
    table.appendTo(out);
  }

  private static String value(String metric, Double value) {
    if (value == null) {
      return "-";
    }
    if ("latencyP99Ms".equals(metric)) {
      return Format.number(value) + " ms";
    }
    if ("latencyP99Ratio".equals(metric)) {
      return Format.number(value) + "×";
    }
    return Format.number(value);
  }

  private static String verdict(String verdict) {
    if (verdict == null) {
      return "-";
    }
    return switch (verdict) {
      case "Pass" -> "✓ Pass";
      case "Fail" -> "✗ Fail";
      case "Inconclusive" -> "? Inconclusive";
      default -> verdict;
    };
  }

  private static void drift(ModelDeploymentView md, StringBuilder out) {
    var drift = md.drift();
    if (drift == null) {
      return;
    }
    out.append("\nDrift: ").append(Objects.requireNonNullElse(drift.status(), "-"));
    if (drift.score() != null) {
      out.append(", score ").append(Format.number(drift.score()));
    }
    var details = new StringBuilder();
    if (drift.method() != null) {
      details.append(drift.method());
    }
    if (drift.samples() != null) {
      details.append(details.isEmpty() ? "" : ", ").append(drift.samples()).append(" samples");
    }
    if (md.driftWarning() != null || md.driftThreshold() != null) {
      details
          .append(details.isEmpty() ? "" : "; ")
          .append("warning ")
          .append(Format.number(md.driftWarning()))
          .append(", alert ")
          .append(Format.number(md.driftThreshold()));
    }
    if (!details.isEmpty()) {
      out.append(" (").append(details).append(')');
    }
    out.append('\n');
    if (drift.features().isEmpty() && drift.prediction() == null) {
      return;
    }
    var table = new TextTable("  ", "FEATURE", "SCORE", "LEVEL");
    drift.features().entrySet().stream()
        .sorted(
            Map.Entry.<String, Double>comparingByValue(
                    Comparator.nullsFirst(Comparator.naturalOrder()))
                .reversed())
        .forEach(e -> table.row(e.getKey(), Format.number(e.getValue()), level(md, e.getValue())));
    if (drift.prediction() != null) {
      table.row("(prediction)", Format.number(drift.prediction()), level(md, drift.prediction()));
    }
    table.appendTo(out);
  }

  private static String level(ModelDeploymentView md, Double score) {
    if (score == null) {
      return "-";
    }
    if (md.driftThreshold() != null && score > md.driftThreshold()) {
      return "Alert";
    }
    if (md.driftWarning() != null && score > md.driftWarning()) {
      return "Warning";
    }
    return md.driftWarning() == null && md.driftThreshold() == null ? "-" : "Normal";
  }

  /** A short block: the run under way (else the last one) and the newest candidate. */
  private static void retraining(ModelDeploymentView md, StringBuilder out, Instant now) {
    Retraining retraining = md.retraining();
    if (retraining.runs().isEmpty() && retraining.candidates().isEmpty()) {
      return;
    }
    out.append("\nRetraining:\n");
    Retraining.Run running = retraining.running();
    Retraining.Run run =
        running != null ? running : retraining.runs().stream().findFirst().orElse(null);
    if (run != null) {
      var line = new StringBuilder();
      if (running != null) {
        // "iris-retrain-2, 3m so far; AccuracyDrop: accuracy 0.88 vs baseline 0.95 …"
        line.append(Objects.requireNonNullElse(run.job(), "Job"));
        if (run.startedAt() != null) {
          line.append(", ").append(Format.age(run.startedAt(), now)).append(" so far");
        }
        line.append("; ").append(run.triggerText());
      } else {
        // "Succeeded 2h53m ago (iris-retrain-3; Manual: …): candidate … is NotBetter: …"
        line.append(Objects.requireNonNullElse(run.outcome(), "-"));
        Instant ended = run.finishedAt() != null ? run.finishedAt() : run.startedAt();
        if (ended != null) {
          line.append(' ').append(Format.age(ended, now)).append(" ago");
        }
        line.append(" (")
            .append(run.job() == null ? "" : run.job() + "; ")
            .append(run.triggerText())
            .append(')');
        if (run.reason() != null) {
          line.append(": ").append(run.reason());
        }
      }
      out.append("  ")
          .append(String.format("%-12s", running != null ? "Running:" : "Last run:"))
          .append(line)
          .append('\n');
    }
    if (!retraining.candidates().isEmpty()) {
      Retraining.Candidate c = retraining.candidates().get(0);
      var line =
          new StringBuilder(c.version())
              .append(' ')
              .append(Objects.requireNonNullElse(c.verdict(), "(no verdict)"))
              .append(": ")
              .append(c.comparison());
      if (c.version().equals(md.specVersion())) {
        line.append(" (in spec)");
      }
      out.append("  ").append(String.format("%-12s", "Candidate:")).append(line).append('\n');
    }
    Retraining.Candidate better = retraining.newestBetter();
    if (better != null && !better.version().equals(md.specVersion())) {
      out.append("  ").append(CandidatesView.hint(md)).append('\n');
    }
  }

  private static void conditions(ModelDeploymentView md, StringBuilder out, Instant now) {
    if (md.conditions().isEmpty()) {
      return;
    }
    out.append("\nConditions:\n");
    var table = new TextTable("  ", "TYPE", "STATUS", "REASON", "AGE", "MESSAGE");
    for (Condition c : md.conditions()) {
      table.row(
          c.type(), c.status(), c.reason(), Format.age(c.lastTransitionTime(), now), c.message());
    }
    table.appendTo(out);
  }

  private static String n(Integer value) {
    return value == null ? "0" : value.toString();
  }

  private static void field(StringBuilder out, String label, String value) {
    out.append(String.format("%-10s", label + ":")).append(value).append('\n');
  }
}
