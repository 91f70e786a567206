package io.modelship.kubectl;

import io.modelship.kubectl.view.GoDuration;
import io.modelship.kubectl.view.ModelDeploymentView;
import io.modelship.kubectl.view.RolloutVerdict;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "status",
    description =
        "Wait until the rollout settles, printing each change: exit 0 when Healthy "
            + "with the current generation observed, 3 when Degraded, 4 when Failed, 5 on timeout, 1 on errors.")
final class StatusCommand implements Callable<Integer> {

  static final Duration POLL = Duration.ofSeconds(1);

  @ParentCommand KubectlModelship root;

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "NAME")
  String name;

  @Option(
      names = "--timeout",
      defaultValue = "10m",
      description = "How long to wait, e.g. 90s, 10m, 1h (default ${DEFAULT-VALUE}).")
  String timeout;

  @Override
  public Integer call() throws InterruptedException {
    Duration limit = GoDuration.parse(timeout);
    if (limit == null) {
      throw new UserError("--timeout " + timeout + " is not a duration (use e.g. 90s, 10m, 1h)");
    }
    var out = spec.commandLine().getOut();
    long deadline = System.nanoTime() + limit.toNanos();
    try (Cluster cluster = root.connect()) {
      String last = null;
      while (true) {
        ModelDeploymentView md = cluster.view(name);
        String line = RolloutVerdict.describe(md);
        if (!line.equals(last)) {
          out.println(line);
          last = line;
        }
        switch (RolloutVerdict.of(md)) {
          case HEALTHY -> {
            return ExitCode.OK.code();
          }
          case DEGRADED -> {
            return ExitCode.DEGRADED.code();
          }
          case FAILED -> {
            return ExitCode.FAILED.code();
          }
          case WAITING -> {
            if (System.nanoTime() >= deadline) {
              spec.commandLine()
                  .getErr()
                  .println(
                      "error: timed out after "
                          + GoDuration.format(limit)
                          + " waiting for "
                          + md.ref()
                          + " to become Healthy");
              return ExitCode.TIMEOUT.code();
            }
            Thread.sleep(POLL);
          }
        }
      }
    }
  }
}
