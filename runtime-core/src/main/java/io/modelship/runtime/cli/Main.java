package io.modelship.runtime.cli;

import io.modelship.runtime.bench.BenchCommand;
import java.util.ServiceLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The runtime's single entry point: {@code java -jar serving-runtime.jar COMMAND …}. */
@Command(
    name = "serving-runtime",
    mixinStandardHelpOptions = true,
    version = "modelship serving-runtime 0.1.0",
    description = "Modelship serving runtime and model tooling.",
    subcommands = {
      ServeCommand.class,
      PackageCommand.class,
      InspectCommand.class,
      ScoreCommand.class,
      RetrainCommand.class,
      GenerateDataCommand.class,
      BenchCommand.class
    })
public final class Main {

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Main());
    ServiceLoader.load(ContributedCommand.class).forEach(cli::addSubcommand);
    // Bad input is a user error: print the message, not a stack trace.
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          commandLine.getErr().println("error: " + e.getMessage());
          return 2;
        });
    return cli;
  }
}
