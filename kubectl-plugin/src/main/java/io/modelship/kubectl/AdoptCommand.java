package io.modelship.kubectl;

import io.modelship.kubectl.view.Adoption;
import io.modelship.kubectl.view.ModelDeploymentView;
import io.modelship.kubectl.view.Retraining.Candidate;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "adopt",
    description =
        "Write a retraining candidate (version, uri, sha256) into spec.model; --print shows the YAML to commit in Git instead.")
final class AdoptCommand implements Callable<Integer> {

  @ParentCommand KubectlModelship root;

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "NAME")
  String name;

  @Option(
      names = "--candidate",
      paramLabel = "V",
      description = "Candidate version to adopt (default: the newest Better one).")
  String candidate;

  @Option(names = "--print", description = "Change nothing; print the spec.model to commit in Git.")
  boolean print;

  @Override
  public Integer call() {
    var out = spec.commandLine().getOut();
    var err = spec.commandLine().getErr();
    try (Cluster cluster = root.connect()) {
      Map<String, Object> resource = cluster.get(name);
      ModelDeploymentView md = ModelDeploymentView.from(resource);
      Candidate chosen;
      try {
        chosen = Adoption.choose(md, candidate);
      } catch (IllegalArgumentException e) {
        throw new UserError(e.getMessage());
      }
      if (!chosen.better()) {
        err.println(
            "warning: candidate "
                + chosen.version()
                + " is "
                + (chosen.verdict() == null ? "without a verdict" : chosen.verdict())
                + " ("
                + chosen.comparison()
                + "); "
                + (print ? "printing" : "adopting")
                + " it as asked");
      }
      if (print) {
        out.print(Adoption.print(resource, chosen));
        return ExitCode.OK.code();
      }
      cluster.setModel(
          name, resourceVersion(resource), chosen.version(), chosen.uri(), null, chosen.sha256());
      out.println(
          md.ref()
              + ": spec.model set from "
              + md.specVersion()
              + " to candidate "
              + chosen.version()
              + " ("
              + chosen.comparison()
              + "); it rolls out by strategy "
              + md.strategy()
              + " like any new version");
      err.println(
          "warning: "
              + UndoCommand.gitOpsWarning(
                  md,
                  "commit spec.model (kubectl modelship adopt "
                      + name
                      + " -n "
                      + cluster.namespace()
                      + " --candidate "
                      + chosen.version()
                      + " --print) in Git instead"));
    }
    return ExitCode.OK.code();
  }

  private static String resourceVersion(Map<String, Object> resource) {
    return resource.get("metadata") instanceof Map<?, ?> meta && meta.get("resourceVersion") != null
        ? meta.get("resourceVersion").toString()
        : null;
  }
}
