package io.modelship.local.pods;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * For tests that run pods as containers: podman must be here (on CI, {@code CI=true}, its absence
 * fails the test instead of skipping it) and the serving runtime image is built with {@code
 * images/build.sh runtime} when it is missing or older than the runtime jar the reactor just built.
 */
public final class ContainerImages {

  public static final String RUNTIME_IMAGE = "ghcr.io/modelship/serving-runtime:0.1.0";

  private ContainerImages() {}

  /**
   * Podman works and {@link #RUNTIME_IMAGE} holds the current runtime jar, or the test is skipped
   * (not on CI).
   */
  public static synchronized void requireRuntimeImage(Path home)
      throws IOException, InterruptedException {
    var unavailable = PodmanContainers.unavailable();
    if (unavailable.isPresent()) {
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail(
            "CI=true but containers cannot run: "
                + unavailable.get()
                + " (.ci/run must install podman and runc)");
      }
      assumeTrue(false, "containers cannot run here: " + unavailable.get());
    }
    Path jar = home.resolve("serving-runtime/target/serving-runtime.jar");
    if (PodmanContainers.hasImage(RUNTIME_IMAGE) && !olderThan(RUNTIME_IMAGE, jar)) {
      return;
    }
    Path log = home.resolve("local/target/images-build.log");
    Files.createDirectories(log.getParent());
    Process build =
        new ProcessBuilder("bash", home.resolve("images/build.sh").toString(), "runtime")
            .directory(home.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    if (!build.waitFor(20, TimeUnit.MINUTES)) {
      build.destroyForcibly();
      fail("images/build.sh runtime took over 20 minutes; see " + log);
    }
    if (build.exitValue() != 0 || !PodmanContainers.hasImage(RUNTIME_IMAGE)) {
      fail(
          "images/build.sh runtime exited with "
              + build.exitValue()
              + " and no "
              + RUNTIME_IMAGE
              + ":\n"
              + tail(log));
    }
  }

  /**
   * Builds {@code image}, an empty image whose user is root, unless it exists (buildah, no registry
   * needed).
   */
  public static void requireRootImage(String image) {
    if (PodmanContainers.hasImage(image)) {
      return;
    }
    var from = PodmanContainers.run(List.of("buildah", "from", "scratch"), Duration.ofMinutes(1));
    String container = from.output().strip();
    var commit =
        PodmanContainers.run(
            List.of("buildah", "commit", "--quiet", container, image), Duration.ofMinutes(2));
    PodmanContainers.run(List.of("buildah", "rm", container), Duration.ofMinutes(1));
    if (from.code() != 0 || commit.code() != 0) {
      fail("could not build " + image + " with buildah: " + from.output() + commit.output());
    }
  }

  /** Names of the containers whose name starts with {@code prefix}, running or not. */
  public static List<String> containersNamed(String prefix) {
    List<String> command = new ArrayList<>(PodmanContainers.command());
    command.addAll(List.of("ps", "--all", "--format", "{{.Names}}", "--filter", "name=" + prefix));
    var r = PodmanContainers.run(command, Duration.ofSeconds(30));
    if (r.code() != 0) {
      fail("podman ps failed: " + r.output());
    }
    return r.output().lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
  }

  private static boolean olderThan(String image, Path file) throws IOException {
    List<String> command = new ArrayList<>(PodmanContainers.command());
    command.addAll(
        List.of(
            "image",
            "inspect",
            "--format",
            "{{.Created.Format \"2006-01-02T15:04:05Z07:00\"}}",
            image));
    var r = PodmanContainers.run(command, Duration.ofSeconds(30));
    if (r.code() != 0 || !Files.isRegularFile(file)) {
      return false;
    }
    Instant created = OffsetDateTime.parse(r.output().strip()).toInstant();
    return created.isBefore(Files.getLastModifiedTime(file).toInstant());
  }

  private static String tail(Path log) throws IOException {
    List<String> lines = Files.readAllLines(log);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }
}
