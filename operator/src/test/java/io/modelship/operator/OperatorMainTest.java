package io.modelship.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Without its signing master key the operator does not start: no pod could get a key, no report be
 * checked.
 */
class OperatorMainTest {

  static int run(ByteArrayOutputStream err, String... args) {
    PrintStream previous = System.err;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      return new CommandLine(new OperatorMain()).execute(args);
    } finally {
      System.setErr(previous);
    }
  }

  @Test
  void refusesToStartWithoutTheKeyFile(@TempDir Path dir) {
    var err = new ByteArrayOutputStream();
    assertThat(run(err, "--signing-key-file", dir.resolve("absent").toString())).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains(dir.resolve("absent").toString())
        .contains("does not exist");
  }

  @Test
  void refusesToStartWithAnEmptyKeyFile(@TempDir Path dir) throws IOException {
    Path empty = Files.writeString(dir.resolve("key"), "");
    var err = new ByteArrayOutputStream();
    assertThat(run(err, "--signing-key-file", empty.toString())).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("holds 0 bytes");
  }
}
