package io.modelship.kubectl.view;

import java.time.Instant;
import java.util.List;

/** {@code kubectl modelship list}: one line per ModelDeployment with its rollout position. */
public final class ListView {

  private ListView() {}

  public static String render(
      List<ModelDeploymentView> deployments, boolean withNamespace, Instant now) {
    if (deployments.isEmpty()) {
      return "No ModelDeployments found.\n";
    }
    var table =
        withNamespace
            ? new TextTable(
                "",
                "NAMESPACE",
                "NAME",
                "MODEL",
                "VERSION",
                "STRATEGY",
                "PHASE",
                "STABLE",
                "NEW",
                "STEP",
                "WEIGHT",
                "READY",
                "AGE")
            : new TextTable(
                "",
                "NAME",
                "MODEL",
                "VERSION",
                "STRATEGY",
                "PHASE",
                "STABLE",
                "NEW",
                "STEP",
                "WEIGHT",
                "READY",
                "AGE");
    for (ModelDeploymentView md : deployments) {
      boolean rolling = md.rolloutInProgress();
      String step =
          rolling && ModelDeploymentView.CANARY.equals(md.strategy()) && md.stepIndex() != null
              ? (md.stepIndex() + 1) + "/" + md.steps().size()
              : "-";
      String weight = "-";
      if (rolling && ModelDeploymentView.CANARY.equals(md.strategy())) {
        Integer actual = md.rollout() == null ? null : md.rollout().actualWeight();
        weight = Format.percent(md.desiredWeight()) + (actual == null ? "" : " (" + actual + "%)");
      }
      String ready = md.replicas() == null ? "-" : md.readyReplicas() + "/" + md.replicas();
      String phase =
          md.observedCurrent() || md.phase() == Phase.UNKNOWN
              ? md.phase().text()
              : md.phase().text() + "*";
      Object[] cells = {
        md.name(),
        md.modelName(),
        md.specVersion(),
        md.strategy(),
        phase,
        md.stableVersion(),
        rolling || md.retryable() ? md.newVersion() : null,
        step,
        weight,
        ready,
        Format.age(md.created(), now)
      };
      if (withNamespace) {
        Object[] withNs = new Object[cells.length + 1];
        withNs[0] = md.namespace();
        System.arraycopy(cells, 0, withNs, 1, cells.length);
        cells = withNs;
      }
      table.row(cells);
    }
    var out = new StringBuilder();
    table.appendTo(out);
    if (deployments.stream().anyMatch(md -> !md.observedCurrent() && md.phase() != Phase.UNKNOWN)) {
      out.append(
          "* status describes an older generation: the operator has not caught up with the spec yet\n");
    }
    return out.toString();
  }
}
