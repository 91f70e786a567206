package io.modelship.kubectl;

import io.modelship.kubectl.view.ModelDeploymentView;
import io.modelship.kubectl.view.Retraining;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * Writes modelship.io/retrain with a fresh token, as promote does; the operator starts one run per
 * new token. Only metadata.annotations is patched, so a GitOps tool sees no spec change.
 */
@Command(
    name = "retrain",
    description = "Start a retraining run now (spec.retraining must be set).")
final class RetrainCommand implements Callable<Integer> {

  @ParentCommand KubectlModelship root;

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "NAME")
  String name;

  @Override
  public Integer call() {
    try (Cluster cluster = root.connect()) {
      ModelDeploymentView md = cluster.view(name);
      String whyNot = whyNot(md);
      if (whyNot != null) {
        throw new UserError(whyNot);
      }
      String token = Instant.now().toString();
      cluster.annotate(name, Retraining.RETRAIN_ANNOTATION, token);
      spec.commandLine()
          .getOut()
          .println(
              md.ref()
                  + ": asking for a retraining run of "
                  + md.specVersion()
                  + " ("
                  + Retraining.RETRAIN_ANNOTATION
                  + "="
                  + token
                  + "); kubectl modelship candidates "
                  + md.name()
                  + " follows it");
    }
    return ExitCode.OK.code();
  }

  /** Null when a run may be asked for, else why not. */
  static String whyNot(ModelDeploymentView md) {
    if (!md.retraining().configured()) {
      return md.ref()
          + " has no spec.retraining: set it (what to train on, where the candidate goes) to retrain";
    }
    Retraining.Run running = md.retraining().running();
    if (running != null) {
      return md.ref()
          + " is already retraining (Job "
          + running.job()
          + "); one run at a time — kubectl modelship candidates "
          + md.name()
          + " follows it";
    }
    return null;
  }
}
