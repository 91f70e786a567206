package io.modelship.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The model tooling as a user runs it: inspect's timeout and generate-data. Train, inspect and
 * score of a trained model, and the one-line errors of train and serve, are serving-runtime's
 * TrainCommandLineTest (train is contributed by the Smile format).
 */
class CommandLineTest {

  @TempDir Path tmp;

  record Run(int exit, String out, String err) {}

  static Run run(String... args) {
    PrintStream original = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StringWriter err = new StringWriter();
    try {
      System.setOut(new PrintStream(out, true));
      CommandLine cli = Main.commandLine();
      cli.setErr(new PrintWriter(err, true));
      int exit = cli.execute(args);
      return new Run(exit, out.toString(), err.toString());
    } finally {
      System.setOut(original);
    }
  }

  @Test
  void inspectGivesUpAtItsTimeout() throws Exception {
    try (java.net.ServerSocket silent =
        new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      long start = System.nanoTime();
      Run hung =
          run(
              "inspect",
              "--timeout",
              "1s",
              "http://127.0.0.1:" + silent.getLocalPort() + "/iris.tar.gz");
      assertThat(hung.exit()).isEqualTo(1);
      assertThat(hung.err()).contains("took longer than 1 s; gave up");
      assertThat(System.nanoTime() - start)
          .isLessThan(java.util.concurrent.TimeUnit.SECONDS.toNanos(10));
    }
  }

  @Test
  void generateDataWritesTheRequestedShape() throws Exception {
    Path csv = tmp.resolve("synthetic.csv");
    assertThat(
            run("generate-data", "--rows", "50", "--features", "20", "--out", csv.toString())
                .exit())
        .isZero();
    List<String> lines = Files.readAllLines(csv);
    assertThat(lines).hasSize(51);
    assertThat(lines.get(1).split(",")).hasSize(21);
  }
}
