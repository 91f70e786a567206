package io.modelship.kubectl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real kubectl finds the launcher on PATH and runs the packaged jar against the mock API (runs
 * after package, so target/kubectl-modelship.jar exists). Needs kubectl: skipped without it, failed
 * without it when CI=true.
 */
class KubectlPluginIT {

  static final Path LAUNCHER =
      Path.of(System.getProperty("plugin.launcher", "bin/kubectl-modelship")).toAbsolutePath();
  static final Path GCLOUD_KUBECTL = Path.of("/usr/lib/google-cloud-sdk/bin/kubectl.1.33");

  @TempDir Path dir;

  MockApi api;

  record Result(int code, String out, String err) {}

  @BeforeEach
  void start() {
    api = new MockApi(dir);
  }

  @AfterEach
  void stop() {
    api.close();
  }

  /** kubectl on PATH, plus the versioned one of the Cloud SDK where the machine has it. */
  static List<Path> kubectls() {
    var all = new ArrayList<Path>();
    all.add(ExternalTool.require("check that kubectl finds the plugin on PATH", "kubectl"));
    if (Files.isExecutable(GCLOUD_KUBECTL)) {
      all.add(GCLOUD_KUBECTL);
    }
    return all;
  }

  Result kubectl(Path kubectl, Map<String, String> extraEnv, String... args)
      throws IOException, InterruptedException {
    var command = new ArrayList<String>(List.of(kubectl.toString()));
    command.addAll(List.of(args));
    var pb = new ProcessBuilder(command);
    Map<String, String> env = pb.environment();
    env.put(
        "PATH", LAUNCHER.getParent() + ":" + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    env.put("KUBECONFIG", api.kubeconfig.toString());
    env.put("HOME", dir.toString());
    env.put("JAVA_HOME", System.getProperty("java.home"));
    env.putAll(extraEnv);
    env.values().removeIf(String::isEmpty);
    Process p = pb.start();
    p.getOutputStream().close();
    var out = p.getInputStream().readAllBytes();
    var err = p.getErrorStream().readAllBytes();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Result(
        p.exitValue(),
        new String(out, StandardCharsets.UTF_8),
        new String(err, StandardCharsets.UTF_8));
  }

  @Test
  void kubectlListsThePluginFoundOnPath() throws Exception {
    for (Path kubectl : kubectls()) {
      var result = kubectl(kubectl, Map.of(), "plugin", "list");

      assertThat(result.out()).as(kubectl.toString()).contains(LAUNCHER.toString());
    }
  }

  @Test
  void kubectlModelshipListRunsThePluginAgainstTheKubeconfig() throws Exception {
    api.with("canary-progressing.yaml").with("bluegreen-preview.yaml");

    for (Path kubectl : kubectls()) {
      var result = kubectl(kubectl, Map.of(), "modelship", "list");

      assertThat(result.code()).as(kubectl + ": " + result.err()).isZero();
      assertThat(result.out())
          .as(kubectl.toString())
          .containsPattern("fraud +fraud +3\\.1\\.0 +BlueGreen +Paused")
          .containsPattern("iris +iris +2\\.0\\.0 +Canary +Progressing");
    }
  }

  @Test
  void exitCodesPassThroughKubectl() throws Exception {
    api.with("canary-rolledback.yaml");

    for (Path kubectl : kubectls()) {
      var status = kubectl(kubectl, Map.of(), "modelship", "status", "iris", "--timeout", "5s");
      var missing = kubectl(kubectl, Map.of(), "modelship", "get", "nope");

      assertThat(status.code()).as(kubectl.toString()).isEqualTo(ExitCode.DEGRADED.code());
      assertThat(missing.code()).isEqualTo(ExitCode.ERROR.code());
      assertThat(missing.err()).contains("modeldeployment \"nope\" not found in namespace ml");
    }
  }

  @Test
  void theLauncherFindsAJdk25WhenJavaHomeIsAnOlderJdk() throws Exception {
    Path old;
    try (Stream<Path> jvms = Files.list(Path.of("/usr/lib/jvm"))) {
      old =
          jvms.filter(
                  p ->
                      p.getFileName().toString().contains("17")
                          && Files.isExecutable(p.resolve("bin/java")))
              .findFirst()
              .orElse(null);
    } catch (IOException e) {
      old = null;
    }
    boolean jdk25InLibJvm;
    try (Stream<Path> jvms = Files.list(Path.of("/usr/lib/jvm"))) {
      jdk25InLibJvm = jvms.anyMatch(p -> p.getFileName().toString().contains("25"));
    } catch (IOException e) {
      jdk25InLibJvm = false;
    }
    assumeTrue(old != null && jdk25InLibJvm, "needs an older JDK and a JDK 25 under /usr/lib/jvm");
    api.with("healthy.yaml");

    var result =
        kubectl(
            ExternalTool.require("run the plugin through kubectl", "kubectl"),
            Map.of("JAVA_HOME", old.toString()),
            "modelship",
            "get",
            "iris");

    assertThat(result.code()).as(result.err()).isZero();
    assertThat(result.out()).contains("Name:     ml/iris");
  }
}
