package io.modelship.kubectl;

import io.modelship.kubectl.view.DetailView;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "get",
    description =
        "Show one ModelDeployment's rollout: steps, traffic, replicas, analysis, drift, conditions.")
final class GetCommand implements Callable<Integer> {

  static final Duration REFRESH = Duration.ofSeconds(1);

  @ParentCommand KubectlModelship root;

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "NAME", description = "ModelDeployment name.")
  String name;

  @Option(
      names = {"-w", "--watch"},
      description = "Keep watching; print the view again whenever it changes (Ctrl-C stops).")
  boolean watch;

  @Override
  public Integer call() throws InterruptedException {
    var out = spec.commandLine().getOut();
    try (Cluster cluster = root.connect()) {
      String last = null;
      do {
        String view =
            DetailView.render(cluster.get(name), cluster.deployments(name), Instant.now());
        if (!view.equals(last)) {
          if (watch && last != null) {
            // A terminal gets the view redrawn in place; a log gets a separator with the time.
            out.print(
                System.console() != null && System.console().isTerminal()
                    ? "\033[H\033[2J"
                    : "\n--- "
                        + LocalTime.now(ZoneId.systemDefault()).truncatedTo(ChronoUnit.SECONDS)
                        + " ---\n");
          }
          out.print(view);
          out.flush();
          last = view;
        }
        if (watch) {
          Thread.sleep(REFRESH);
        }
      } while (watch);
    }
    return ExitCode.OK.code();
  }
}
