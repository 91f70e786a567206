package io.modelship.images;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * podman as the image tests drive it: the global options this kind of host needs, explicit ulimits
 * (raising one is refused here), the images built once per test JVM by images/build.sh. Without
 * podman the tests are skipped, except on CI (CI=true), where they fail.
 */
final class Podman {

  static final Path HOME =
      Path.of(System.getProperty("modelship.home", "..")).toAbsolutePath().normalize();

  /**
   * The tests build and run images under a name of their own for this checkout: podman's store is
   * shared by every build on the machine, and another checkout's build of the release names would
   * otherwise swap the image under a running test.
   */
  static final String REGISTRY = "localhost/modelship-it";

  static final String TAG = "0.1.0-" + Integer.toHexString(HOME.toString().hashCode());
  static final String RUNTIME_IMAGE = REGISTRY + "/serving-runtime:" + TAG;
  static final String OPERATOR_IMAGE = REGISTRY + "/operator:" + TAG;

  /** The serving runtime image the operator's Deployments name by default. */
  static final String DEFAULT_RUNTIME_IMAGE = "ghcr.io/modelship/serving-runtime:0.1.0";

  /** At or below this machine's limits; nproc counts every process of the UID on the host. */
  static final List<String> ULIMITS =
      List.of("--ulimit", "nofile=4096:4096", "--ulimit", "nproc=4096:4096");

  private static boolean built;

  record Result(int exitCode, String out) {
    Result ok() {
      if (exitCode != 0) {
        fail("podman exited with " + exitCode + ":\n" + out);
      }
      return this;
    }
  }

  private Podman() {}

  /** Skips the calling test where podman is missing, or fails it on CI. */
  static void require() {
    boolean present =
        System.getenv("PATH") != null
            && List.of(System.getenv("PATH").split(":")).stream()
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, "podman")));
    if (!present) {
      if ("true".equals(System.getenv("CI"))) {
        fail(
            "podman is not installed; on CI the image tests must run (.ci/run installs podman, buildah, runc, mmdebstrap)");
      }
      Assumptions.abort("podman is not installed: the image tests are skipped (they run on CI)");
    }
  }

  /** crun refuses a cgroup v1 or hybrid layout; runc with the cgroupfs manager runs there. */
  static List<String> globalOptions() {
    try {
      String fs = Files.getFileStore(Path.of("/sys/fs/cgroup")).type();
      return "cgroup2fs".equals(fs)
          ? List.of()
          : List.of("--runtime", "runc", "--cgroup-manager", "cgroupfs");
    } catch (IOException e) {
      return List.of();
    }
  }

  /**
   * Builds both images with images/build.sh, once per test JVM (layers cached by podman across
   * runs).
   */
  static synchronized void buildImages() throws Exception {
    require();
    if (built) {
      return;
    }
    Path log = HOME.resolve("images/target/build.log");
    Files.createDirectories(log.getParent());
    var builder =
        new ProcessBuilder("bash", HOME.resolve("images/build.sh").toString())
            .directory(HOME.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder.environment().put("REGISTRY", REGISTRY);
    builder.environment().put("IMAGE_TAG", TAG);
    Process p = builder.start();
    if (!p.waitFor(20, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      fail("images/build.sh took over 20 minutes; see " + log);
    }
    if (p.exitValue() != 0) {
      List<String> lines = Files.readAllLines(log);
      fail(
          "images/build.sh failed ("
              + p.exitValue()
              + "), see "
              + log
              + ":\n"
              + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size())));
    }
    built = true;
  }

  static Result run(Duration timeout, List<String> args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add("podman");
    command.addAll(globalOptions());
    command.addAll(args);
    Path out = Files.createTempFile("podman-", ".out");
    try {
      Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly().waitFor();
        fail("podman " + String.join(" ", args) + " took over " + timeout);
      }
      return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8).strip());
    } finally {
      Files.deleteIfExists(out);
    }
  }

  static Result run(String... args) throws IOException, InterruptedException {
    return run(Duration.ofMinutes(2), List.of(args));
  }

  /** {@code podman inspect --format FORMAT NAME}. */
  static String inspect(String name, String format) throws IOException, InterruptedException {
    return run("inspect", "--format", format, name).ok().out();
  }

  /** Removes the container, running or not; for cleanup, never fails. */
  static void remove(String name) {
    try {
      run("rm", "-f", "-t", "2", name);
    } catch (IOException | InterruptedException e) {
      // best effort: the name is unique to the test
    }
  }

  /**
   * The container's peak memory from its cgroup (v1 memory.max_usage_in_bytes, v2 memory.peak), or
   * -1 where the file is not found.
   */
  static long peakMemoryBytes(String name) throws IOException, InterruptedException {
    String id = inspect(name, "{{.Id}}");
    for (String candidate :
        List.of(
            "/sys/fs/cgroup/memory/libpod_parent/libpod-" + id + "/memory.max_usage_in_bytes",
            "/sys/fs/cgroup/memory/machine.slice/libpod-" + id + ".scope/memory.max_usage_in_bytes",
            "/sys/fs/cgroup/libpod_parent/libpod-" + id + "/memory.peak",
            "/sys/fs/cgroup/machine.slice/libpod-" + id + ".scope/memory.peak")) {
      Path file = Path.of(candidate);
      if (Files.isReadable(file)) {
        return Long.parseLong(Files.readString(file).strip());
      }
    }
    return -1;
  }
}
