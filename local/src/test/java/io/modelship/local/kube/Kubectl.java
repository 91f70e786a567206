package io.modelship.local.kube;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real kubectl binary run against a kubeconfig. On CI ({@code CI=true}) a missing binary fails
 * the test instead of skipping it, so the check is never silently lost.
 */
public record Kubectl(Path binary, Path kubeconfig) {

  public record Result(int exitCode, String out) {}

  /** The kubectl clients of this machine: the one on PATH and the versioned 1.33 next to it. */
  public static Stream<Path> binaries() {
    List<Path> found = new ArrayList<>();
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path p = Path.of(dir, "kubectl");
      if (Files.isExecutable(p)) {
        found.add(p);
        break;
      }
    }
    Path versioned = Path.of("/usr/lib/google-cloud-sdk/bin/kubectl.1.33");
    if (Files.isExecutable(versioned)) {
      found.add(versioned);
    }
    if (found.isEmpty()) {
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail("CI=true but no kubectl on PATH: .ci/run must install it");
      }
      assumeTrue(false, "no kubectl on this machine");
    }
    return found.stream();
  }

  public Result run(String... args) {
    return run(60, args);
  }

  public Result run(int timeoutSeconds, String... args) {
    List<String> command = new ArrayList<>();
    command.add(binary.toString());
    command.add("--kubeconfig");
    command.add(kubeconfig.toString());
    command.addAll(List.of(args));
    try {
      Path out = Files.createTempFile("kubectl", ".out");
      Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .start();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor();
        return new Result(-1, Files.readString(out, StandardCharsets.UTF_8) + "\n<timed out>");
      }
      String text = Files.readString(out, StandardCharsets.UTF_8);
      Files.delete(out);
      return new Result(p.exitValue(), text);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Starts kubectl and returns the process; its output goes to {@code out}. */
  public Process start(Path out, String... args) throws IOException {
    List<String> command =
        new ArrayList<>(List.of(binary.toString(), "--kubeconfig", kubeconfig.toString()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(out.toFile())
        .start();
  }
}
