package io.modelship.kubectl.view;

import io.modelship.kubectl.view.ModelDeploymentView.HistoryEntry;
import java.util.List;

/** Which status.history entry {@code undo} restores into spec.model. */
public final class UndoTarget {

  private UndoTarget() {}

  /**
   * With a version: the newest entry of that version. Without: the newest Promoted entry of a
   * version other than the one in spec (the last good version before it).
   *
   * @throws IllegalArgumentException naming what is missing
   */
  public static HistoryEntry choose(ModelDeploymentView md, String toVersion) {
    List<HistoryEntry> history = md.history();
    HistoryEntry found = null;
    for (int i = history.size() - 1; i >= 0 && found == null; i--) {
      HistoryEntry h = history.get(i);
      boolean match =
          toVersion != null
              ? toVersion.equals(h.version())
              : "Promoted".equals(h.outcome())
                  && h.version() != null
                  && !h.version().equals(md.specVersion());
      if (match) {
        found = h;
      }
    }
    if (found == null) {
      String known =
          history.isEmpty()
              ? "the history is empty"
              : "history has "
                  + String.join(
                      ", ",
                      history.stream().map(h -> h.version() + " (" + h.outcome() + ")").toList());
      throw new IllegalArgumentException(
          toVersion != null
              ? "no version " + toVersion + " in the history of " + md.ref() + ": " + known
              : "no earlier promoted version to go back to in the history of "
                  + md.ref()
                  + ": "
                  + known);
    }
    if (found.version().equals(md.specVersion())) {
      throw new IllegalArgumentException(md.ref() + " already asks for version " + found.version());
    }
    if (found.uri() == null && found.uriFrom() == null) {
      throw new IllegalArgumentException(
          "the history entry of "
              + found.version()
              + " in "
              + md.ref()
              + " has no uri (written by an operator that did not record it); set spec.model by hand");
    }
    return found;
  }
}
