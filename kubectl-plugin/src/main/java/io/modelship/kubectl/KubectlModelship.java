package io.modelship.kubectl;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** {@code kubectl modelship …}: watch and steer ModelDeployment rollouts. */
@Command(
    name = "kubectl modelship",
    mixinStandardHelpOptions = true,
    version = "kubectl-modelship 0.1.0",
    description = "Watch and steer Modelship ModelDeployment rollouts and retraining.",
    subcommands = {
      GetCommand.class,
      ListCommand.class,
      ManualControlCommand.Promote.class,
      ManualControlCommand.Abort.class,
      ManualControlCommand.Retry.class,
      HistoryCommand.class,
      UndoCommand.class,
      StatusCommand.class,
      CandidatesCommand.class,
      AdoptCommand.class,
      RetrainCommand.class,
      DashboardCommand.class,
      CommandLine.HelpCommand.class
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:success; for status: Healthy with the current generation observed",
      "1:error (not found, an action that does not apply, API error)",
      "2:usage error",
      "3:status: Degraded (rolled back, aborted or unhealthy)",
      "4:status: Failed",
      "5:status: timed out"
    })
public final class KubectlModelship {

  @Option(
      names = {"-n", "--namespace"},
      scope = ScopeType.INHERIT,
      description = "Namespace (default: the kubeconfig context's, else \"default\").")
  String namespace;

  @Option(
      names = "--context",
      scope = ScopeType.INHERIT,
      description = "kubeconfig context to use.")
  String context;

  @Option(
      names = "--kubeconfig",
      scope = ScopeType.INHERIT,
      description = "Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config).")
  Path kubeconfig;

  public static void main(String[] args) {
    System.exit(
        run(
            args,
            new PrintStream(System.out, true, StandardCharsets.UTF_8),
            new PrintStream(System.err, true, StandardCharsets.UTF_8)));
  }

  /** Runs one command line; returns its exit code. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    var cli = new CommandLine(new KubectlModelship());
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          commandLine
              .getErr()
              .println("error: " + (e instanceof UserError ? e.getMessage() : e.toString()));
          return ExitCode.ERROR.code();
        });
    int code = cli.execute(args);
    cli.getOut().flush();
    cli.getErr().flush();
    return code;
  }

  Cluster connect() {
    Config config;
    if (kubeconfig != null) {
      if (!Files.isReadable(kubeconfig)) {
        throw new UserError("cannot read kubeconfig " + kubeconfig);
      }
      config = Config.fromKubeconfig(context, kubeconfig.toFile());
    } else {
      config = Config.autoConfigure(context);
    }
    if (context != null
        && (config.getCurrentContext() == null
            || !context.equals(config.getCurrentContext().getName()))) {
      throw new UserError("context \"" + context + "\" not found in the kubeconfig");
    }
    String ns =
        namespace != null
            ? namespace
            : config.getNamespace() != null ? config.getNamespace() : "default";
    return new Cluster(new KubernetesClientBuilder().withConfig(config).build(), ns);
  }
}
