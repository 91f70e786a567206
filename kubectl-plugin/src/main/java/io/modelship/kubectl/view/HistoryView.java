package io.modelship.kubectl.view;

import io.modelship.kubectl.view.ModelDeploymentView.HistoryEntry;
import java.time.Instant;

/** {@code kubectl modelship history}: past rollouts, oldest first, as status.history keeps them. */
public final class HistoryView {

  private HistoryView() {}

  public static String render(ModelDeploymentView md, Instant now) {
    if (md.history().isEmpty()) {
      return "No rollout history for " + md.ref() + " yet.\n";
    }
    var table = new TextTable("", "#", "VERSION", "OUTCOME", "AGE", "TIME", "URI", "MESSAGE");
    int i = 1;
    for (HistoryEntry h : md.history()) {
      table.row(
          i++,
          h.version(),
          h.outcome(),
          Format.age(h.time(), now),
          h.time(),
          h.source(),
          h.message());
    }
    var out = new StringBuilder();
    table.appendTo(out);
    out.append("spec.model.version is ")
        .append(md.specVersion())
        .append("; `kubectl modelship undo ")
        .append(md.name())
        .append(" [--to-version V]` restores an earlier one.\n");
    return out.toString();
  }
}
