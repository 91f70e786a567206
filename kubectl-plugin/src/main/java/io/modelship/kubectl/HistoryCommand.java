package io.modelship.kubectl;

import io.modelship.kubectl.view.HistoryView;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "history",
    description = "Past rollouts of a ModelDeployment (status.history), oldest first.")
final class HistoryCommand implements Callable<Integer> {

  @ParentCommand KubectlModelship root;

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "NAME")
  String name;

  @Override
  public Integer call() {
    try (Cluster cluster = root.connect()) {
      spec.commandLine().getOut().print(HistoryView.render(cluster.view(name), Instant.now()));
    }
    return ExitCode.OK.code();
  }
}
