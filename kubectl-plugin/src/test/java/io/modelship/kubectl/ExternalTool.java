package io.modelship.kubectl;

import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A binary a test needs from the machine (lua5.1, kubectl). Missing: the test is skipped on a
 * developer machine, and fails when CI=true, since .ci/run installs what CI needs.
 */
public final class ExternalTool {

  private ExternalTool() {}

  public static Optional<Path> onPath(String name) {
    String path = System.getenv().getOrDefault("PATH", "");
    return Stream.of(path.split(File.pathSeparator))
        .filter(dir -> !dir.isBlank())
        .map(dir -> Path.of(dir, name))
        .filter(Files::isExecutable)
        .findFirst();
  }

  /** The first of the candidates that exists (a name looked up on PATH, or an absolute path). */
  public static Path require(String why, String... candidates) {
    for (String candidate : candidates) {
      Optional<Path> found =
          candidate.contains("/")
              ? Optional.of(Path.of(candidate)).filter(Files::isExecutable)
              : onPath(candidate);
      if (found.isPresent()) {
        return found.get();
      }
    }
    String message = String.join(" or ", candidates) + " not found; needed to " + why;
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      fail(message + " (CI=true: .ci/run must install it)");
    }
    assumeTrue(false, message);
    throw new IllegalStateException("unreachable");
  }
}
