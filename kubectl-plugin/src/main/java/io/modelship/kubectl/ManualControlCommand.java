package io.modelship.kubectl;

import io.modelship.kubectl.view.ManualControl;
import io.modelship.kubectl.view.ModelDeploymentView;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * promote, abort and retry: each writes its manual-control annotation with a fresh token (the
 * current time to the nanosecond); the operator acts once per new token. Only metadata.annotations
 * is patched, so a GitOps tool sees no spec change.
 */
abstract class ManualControlCommand implements Callable<Integer> {

  @ParentCommand KubectlModelship root;

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "NAME")
  String name;

  abstract ManualControl control();

  abstract String done(ModelDeploymentView md);

  @Override
  public Integer call() {
    ManualControl control = control();
    try (Cluster cluster = root.connect()) {
      ModelDeploymentView md = cluster.view(name);
      String whyNot = control.whyNot(md);
      if (whyNot != null) {
        throw new UserError(whyNot);
      }
      String token = Instant.now().toString();
      cluster.annotate(name, control.annotation(), token);
      spec.commandLine()
          .getOut()
          .println(md.ref() + ": " + done(md) + " (" + control.annotation() + "=" + token + ")");
    }
    return ExitCode.OK.code();
  }

  @Command(
      name = "promote",
      description =
          "Go to the next canary step, or switch a blue-green now; --full skips all remaining steps and analysis.")
  static final class Promote extends ManualControlCommand {

    @Option(
        names = "--full",
        description = "Skip the remaining steps and analysis: the new version takes all traffic.")
    boolean full;

    @Override
    ManualControl control() {
      return full ? ManualControl.PROMOTE_FULL : ManualControl.PROMOTE;
    }

    @Override
    String done(ModelDeploymentView md) {
      if (full) {
        return "promoting " + md.newVersion() + " fully";
      }
      return ModelDeploymentView.BLUE_GREEN.equals(md.strategy())
          ? "switching " + md.name() + " to " + md.newVersion()
          : "promoting " + md.newVersion() + " to the next step";
    }
  }

  @Command(
      name = "abort",
      description = "Roll the new version back now: traffic to the stable version, phase Degraded.")
  static final class Abort extends ManualControlCommand {

    @Override
    ManualControl control() {
      return ManualControl.ABORT;
    }

    @Override
    String done(ModelDeploymentView md) {
      return "aborting the rollout of "
          + md.newVersion()
          + "; traffic goes back to "
          + md.stableVersion();
    }
  }

  @Command(name = "retry", description = "Start a rolled-back or aborted rollout again.")
  static final class Retry extends ManualControlCommand {

    @Override
    ManualControl control() {
      return ManualControl.RETRY;
    }

    @Override
    String done(ModelDeploymentView md) {
      return "retrying the rollout of " + md.specVersion();
    }
  }
}
