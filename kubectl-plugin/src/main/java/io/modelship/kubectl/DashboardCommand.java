package io.modelship.kubectl;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "dashboard",
    description = {
      "Serve the fleet view on 127.0.0.1: every ModelDeployment with its versions side by side, "
          + "the rollout's steps and traffic split, analysis measurements against their thresholds over time, "
          + "and history; live by watch. Runs until Ctrl-C.",
      "Watches all namespaces unless -n/--namespace is given."
    })
final class DashboardCommand implements Callable<Integer> {

  @ParentCommand KubectlModelship root;

  @Spec CommandSpec spec;

  @Option(
      names = "--port",
      defaultValue = "0",
      description = "Port on 127.0.0.1 (default: any free port; the URL is printed).")
  int port;

  @Override
  public Integer call() throws Exception {
    if (port < 0 || port > 65535) {
      throw new UserError("--port must be between 0 and 65535, not " + port);
    }
    var out = spec.commandLine().getOut();
    String namespace = root.namespace; // only an explicit -n narrows the fleet
    try (Cluster cluster = root.connect();
        FleetView view = FleetView.start(cluster.client(), namespace, port)) {
      out.println(
          "Fleet view of "
              + (namespace == null ? "all namespaces" : "namespace " + namespace)
              + " at "
              + cluster.client().getMasterUrl()
              + ": "
              + view.url());
      out.println("Open it in a browser; Ctrl-C stops it.");
      out.flush();
      new CountDownLatch(1).await(); // until interrupted (Ctrl-C ends the JVM)
    } catch (java.net.BindException e) {
      throw new UserError(
          "cannot listen on 127.0.0.1:"
              + port
              + " ("
              + e.getMessage()
              + "); choose another --port");
    }
    return ExitCode.OK.code();
  }
}
