package io.modelship.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.modelship.local.pods.ContainerImages;
import io.modelship.local.process.Java;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code modelship-local --pods containers} interrupted as Ctrl-C does (SIGINT) while its pods run:
 * afterwards no container of the run, no process it started and no port its pods used is left.
 */
class CtrlCInContainersIT {

  static final Path HOME = ScenarioIT.HOME;
  private static final Pattern PREFIX =
      Pattern.compile("containers of this run: (\\S+)-<pod name>");
  private static final Pattern STARTED =
      Pattern.compile("pod \\S+ started as container: port (\\d+)");

  @TempDir Path work;

  @Test
  void ctrlCLeavesNoContainerProcessOrPortBehind() throws Exception {
    ContainerImages.requireRuntimeImage(HOME);
    Path out = work.resolve("out.log");
    // LocalMain from this test's classpath: the shaded local.jar is packaged only after the tests.
    Process run =
        new ProcessBuilder(
                Java.launcher(),
                "--sun-misc-unsafe-memory-access=allow",
                "-cp",
                System.getProperty("java.class.path"),
                LocalMain.class.getName(),
                "--home",
                HOME.toString(),
                "--work-dir",
                work.resolve("run").toString(),
                "--pods",
                "containers",
                "--keep-running")
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .start();
    String prefix = null;
    Set<Integer> ports = new TreeSet<>();
    List<ProcessHandle> children = new ArrayList<>();
    try {
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
      while (System.nanoTime() < deadline && ports.size() < 2 && run.isAlive()) {
        Thread.sleep(500);
        String text = Files.readString(out);
        Matcher p = PREFIX.matcher(text);
        if (p.find()) {
          prefix = p.group(1);
        }
        Matcher s = STARTED.matcher(text);
        while (s.find()) {
          ports.add(Integer.parseInt(s.group(1)));
        }
      }
      assertThat(ports).as(Files.readString(out)).hasSizeGreaterThanOrEqualTo(2);
      assertThat(prefix).isNotNull();
      assertThat(ContainerImages.containersNamed(prefix))
          .as("its pods run as containers")
          .isNotEmpty();
      // The runtimes listening, so the SIGINT finds them serving.
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> ports.stream().allMatch(CtrlCInContainersIT::listening));
      children.addAll(run.descendants().toList());
      new ProcessBuilder("kill", "-INT", Long.toString(run.pid())).start().waitFor();
      boolean stopped = run.waitFor(90, TimeUnit.SECONDS);
      String said = Files.readString(out);
      assertThat(stopped)
          .as(
              "stopped within 90 s after SIGINT; its output ended:%n%s",
              said.substring(Math.max(0, said.length() - 4000)))
          .isTrue();
    } finally {
      if (run.isAlive()) {
        run.destroyForcibly().waitFor();
      }
    }
    assertThat(ContainerImages.containersNamed(prefix))
        .as("containers of run " + prefix + " left behind")
        .isEmpty();
    assertThat(children).as("processes it started").noneMatch(ProcessHandle::isAlive);
    for (int port : ports) {
      assertThat(free(port)).as("port " + port + " of a pod still bound").isTrue();
    }
  }

  private static boolean listening(int port) {
    try (var socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean free(int port) {
    try {
      new ServerSocket(port, 1, InetAddress.getLoopbackAddress()).close();
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
