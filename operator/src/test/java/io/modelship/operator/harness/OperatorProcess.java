package io.modelship.operator.harness;

import io.modelship.operator.OperatorMain;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The operator as its jar runs it, in a process of its own, from the test's classpath (the same
 * classes), against a {@link MockCluster}: for tests that need what only a process has — signals, a
 * kill, its own CPU time.
 */
public final class OperatorProcess {

  private OperatorProcess() {}

  /**
   * {@code java <jvmOptions> OperatorMain <args>}, its output to {@code log}, {@code KUBECONFIG}
   * set, and the harness's signing master key ({@link OperatorHarness#MASTER_KEY}, which the
   * simulated pods' reports are signed with) written beside the log, as the chart mounts it.
   */
  public static ProcessBuilder builder(
      Path kubeconfig, Path log, List<String> jvmOptions, String... args) throws IOException {
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    var command = new ArrayList<>(List.of(java));
    command.addAll(jvmOptions);
    command.addAll(
        List.of("-cp", System.getProperty("java.class.path"), OperatorMain.class.getName()));
    command.addAll(List.of(args));
    var builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
    builder.environment().put("KUBECONFIG", kubeconfig.toAbsolutePath().toString());
    Path key = log.resolveSibling("signing-key");
    Files.writeString(key, OperatorHarness.MASTER_KEY);
    builder.environment().put("MODELSHIP_SIGNING_KEY_FILE", key.toAbsolutePath().toString());
    return builder;
  }

  /** A kubeconfig in {@code dir} for the mock API at {@code server}, with no credentials. */
  public static Path kubeconfig(Path dir, String server) throws IOException {
    Path file = dir.resolve("kubeconfig");
    Files.writeString(
        file,
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: mock
          cluster: {server: "%s"}
        users:
        - name: mock
          user: {}
        contexts:
        - name: mock
          context: {cluster: mock, user: mock, namespace: default}
        current-context: mock
        """
            .formatted(server));
    return file;
  }
}
