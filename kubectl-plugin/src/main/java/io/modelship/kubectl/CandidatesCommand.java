package io.modelship.kubectl;

import io.modelship.kubectl.view.CandidatesView;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "candidates",
    description =
        "Retraining candidates (verdict, metric against the serving version on the same held-out rows) and the last runs (status.retraining).")
final class CandidatesCommand implements Callable<Integer> {

  @ParentCommand KubectlModelship root;

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "NAME")
  String name;

  @Override
  public Integer call() {
    try (Cluster cluster = root.connect()) {
      spec.commandLine().getOut().print(CandidatesView.render(cluster.view(name), Instant.now()));
    }
    return ExitCode.OK.code();
  }
}
