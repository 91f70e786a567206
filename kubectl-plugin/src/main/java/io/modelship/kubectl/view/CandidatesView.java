package io.modelship.kubectl.view;

import io.modelship.kubectl.view.Retraining.Candidate;
import io.modelship.kubectl.view.Retraining.Run;
import java.time.Duration;
import java.time.Instant;

/**
 * {@code kubectl modelship candidates NAME}: the retraining candidates against the version each was
 * compared with, and the last runs, newest first, as status.retraining keeps them.
 */
public final class CandidatesView {

  private CandidatesView() {}

  public static String render(ModelDeploymentView md, Instant now) {
    Retraining retraining = md.retraining();
    var out = new StringBuilder();
    if (!retraining.any()) {
      return md.ref()
          + " does not retrain: spec.retraining is not set, so there are no runs or candidates.\n";
    }
    if (!retraining.configured()) {
      out.append(md.ref())
          .append(" no longer sets spec.retraining; what status.retraining still holds:\n\n");
    }
    out.append("Candidates of ").append(md.ref()).append(":");
    if (retraining.candidates().isEmpty()) {
      out.append(" none yet\n");
    } else {
      out.append('\n');
      var table =
          new TextTable("  ", "VERSION", "VERDICT", "CANDIDATE VS SERVING", "CREATED", "URI");
      for (Candidate c : retraining.candidates()) {
        table.row(
            c.version() + (c.version().equals(md.specVersion()) ? " (in spec)" : ""),
            c.verdict() == null ? "-" : c.better() ? "✓ Better" : c.verdict(),
            c.comparison()
                + (c.servingVersion() == null ? "" : " (serving " + c.servingVersion() + ")"),
            c.createdAt() == null ? "-" : Format.age(c.createdAt(), now) + " ago",
            c.uri());
      }
      table.appendTo(out);
    }
    out.append("\nRuns:");
    if (retraining.runs().isEmpty()) {
      out.append(" none yet\n");
    } else {
      out.append('\n');
      var table = new TextTable("  ", "STARTED", "TRIGGER", "OUTCOME", "JOB", "DURATION", "REASON");
      for (Run r : retraining.runs()) {
        Duration took = r.duration(now);
        table.row(
            r.startedAt() == null ? "-" : Format.age(r.startedAt(), now) + " ago",
            r.triggerText(),
            r.outcome(),
            r.job(),
            took == null ? "-" : GoDuration.format(took),
            r.reason());
      }
      table.appendTo(out);
    }
    out.append('\n').append(hint(md)).append('\n');
    return out.toString();
  }

  /** What the user can do next, in one line. */
  static String hint(ModelDeploymentView md) {
    Retraining retraining = md.retraining();
    Candidate better = retraining.newestBetter();
    String ns = md.namespace() == null ? "" : " -n " + md.namespace();
    if (better != null && !better.version().equals(md.specVersion())) {
      return "Adopt "
          + better.version()
          + ": commit it to spec.model in Git (kubectl modelship adopt "
          + md.name()
          + ns
          + " --print shows the YAML), or kubectl modelship adopt "
          + md.name()
          + ns
          + " to edit the resource directly.";
    }
    if (retraining.running() != null) {
      return "A run is under way (Job " + retraining.running().job() + ").";
    }
    if (!retraining.configured()) {
      return "Set spec.retraining to retrain again.";
    }
    return "No Better candidate to adopt; kubectl modelship retrain "
        + md.name()
        + ns
        + " starts a run now.";
  }
}
