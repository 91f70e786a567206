package io.modelship.kubectl;

import io.modelship.kubectl.view.ListView;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "list",
    aliases = "ls",
    description = "List ModelDeployments with their rollout position.")
final class ListCommand implements Callable<Integer> {

  @ParentCommand KubectlModelship root;

  @Spec CommandSpec spec;

  @Option(
      names = {"-A", "--all-namespaces"},
      description = "List across all namespaces.")
  boolean allNamespaces;

  @Override
  public Integer call() {
    try (Cluster cluster = root.connect()) {
      spec.commandLine()
          .getOut()
          .print(ListView.render(cluster.list(allNamespaces), allNamespaces, Instant.now()));
    }
    return ExitCode.OK.code();
  }
}
