package io.modelship.kubectl;

import io.modelship.kubectl.view.ModelDeploymentView;
import io.modelship.kubectl.view.ModelDeploymentView.HistoryEntry;
import io.modelship.kubectl.view.UndoTarget;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "undo",
    description =
        "Restore an earlier model version (version, uri or uriFrom, sha256 from status.history) into spec.model.")
final class UndoCommand implements Callable<Integer> {

  @ParentCommand KubectlModelship root;

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "NAME")
  String name;

  @Option(
      names = "--to-version",
      paramLabel = "V",
      description = "Version to restore (default: the last promoted one before the current spec).")
  String toVersion;

  @Override
  public Integer call() {
    try (Cluster cluster = root.connect()) {
      Map<String, Object> resource = cluster.get(name);
      ModelDeploymentView md = ModelDeploymentView.from(resource);
      HistoryEntry target;
      try {
        target = UndoTarget.choose(md, toVersion);
      } catch (IllegalArgumentException e) {
        throw new UserError(e.getMessage());
      }
      String resourceVersion =
          resource.get("metadata") instanceof Map<?, ?> meta && meta.get("resourceVersion") != null
              ? meta.get("resourceVersion").toString()
              : null;
      cluster.setModel(
          name, resourceVersion, target.version(), target.uri(), target.uriFrom(), target.sha256());
      spec.commandLine()
          .getOut()
          .println(
              md.ref()
                  + ": spec.model set back from "
                  + md.specVersion()
                  + " to "
                  + target.version()
                  + " ("
                  + target.source()
                  + ")");
      spec.commandLine()
          .getErr()
          .println(
              "warning: "
                  + gitOpsWarning(
                      md, "set spec.model.version to " + target.version() + " in Git instead"));
    }
    return ExitCode.OK.code();
  }

  /**
   * undo and adopt edit the spec: a GitOps tool that owns the resource will put its own spec back.
   * {@code fix} says what to do in Git instead.
   */
  static String gitOpsWarning(ModelDeploymentView md, String fix) {
    String manager = null;
    if (md.annotations().containsKey("argocd.argoproj.io/tracking-id")
        || md.labels().containsKey("app.kubernetes.io/instance")) {
      manager = "Argo CD";
    } else if (md.labels().keySet().stream().anyMatch(k -> k.endsWith(".toolkit.fluxcd.io/name"))) {
      manager = "Flux";
    }
    return manager != null
        ? md.ref()
            + " looks managed by "
            + manager
            + ", which will revert this spec edit at its next sync; "
            + fix
            + "."
        : "this edited spec.model directly; if a GitOps tool (Argo CD, Flux) manages "
            + md.ref()
            + ", it will revert the edit; "
            + fix
            + ".";
  }
}
