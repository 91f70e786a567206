package io.modelship.api.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Prometheus's own checker, {@code promtool} (Debian's {@code prometheus} package), run by tests on
 * what we export and ship: {@code check metrics} on a scrape, {@code check rules} and {@code test
 * rules} on rule files. Missing, it fails the test with how to install it: a lint that silently
 * skips is no lint.
 */
public final class Promtool {

  /** What promtool printed (stdout and stderr together) and its exit code. */
  public record Result(int exitCode, String output) {
    public boolean ok() {
      return exitCode == 0;
    }
  }

  private Promtool() {}

  /** {@code $PROMTOOL}, or {@code promtool} on the PATH. */
  public static Path binary() {
    String configured = System.getenv("PROMTOOL");
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path candidate = Path.of(dir, "promtool");
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException(
        "promtool is not on the PATH: install Debian's prometheus package"
            + " (apt-get install prometheus) or set PROMTOOL");
  }

  /**
   * {@code promtool check metrics} on a Prometheus text exposition: exit 0 and no output when
   * clean.
   */
  public static Result checkMetrics(String exposition) {
    return run(null, exposition, "check", "metrics");
  }

  /** {@code promtool ARGS...} in {@code dir} (null: the current directory) with {@code stdin}. */
  public static Result run(Path dir, String stdin, String... args) {
    var command = new ArrayList<String>();
    command.add(binary().toString());
    command.addAll(List.of(args));
    var builder = new ProcessBuilder(command).redirectErrorStream(true);
    if (dir != null) {
      builder.directory(dir.toFile());
    }
    try {
      Process process = builder.start();
      try (var in = process.getOutputStream()) {
        if (stdin != null) {
          in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
      }
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(
            "promtool " + String.join(" ", args) + " did not finish within 60 s");
      }
      return new Result(process.exitValue(), output);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running promtool", e);
    }
  }
}
