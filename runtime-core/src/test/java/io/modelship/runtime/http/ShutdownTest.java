package io.modelship.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelship.runtime.TestModels;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM on a real {@code serve} process: readiness turns 503, serving goes on through the delay,
 * then it exits.
 */
class ShutdownTest {

  @Test
  void sigtermFailsReadinessKeepsServingThenExits(@TempDir Path tmp) throws Exception {
    String java = ProcessHandle.current().info().command().orElseThrow();
    ProcessBuilder builder =
        new ProcessBuilder(
            List.of(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                "io.modelship.runtime.cli.Main",
                "serve",
                "--model",
                TestModels.irisDirectory().toString(),
                "--host",
                "127.0.0.1",
                "--port",
                "0"));
    builder.environment().put("SHUTDOWN_DELAY_SECONDS", "2");
    // Process.destroy() closes the pipes, so the output goes to a file that outlives the process.
    Path log = tmp.resolve("serve.log");
    builder.redirectErrorStream(true).redirectOutput(log.toFile());
    Process process = builder.start();
    try {
      int port = -1;
      Pattern serving = Pattern.compile("serving .* on http://127.0.0.1:(\\d+)");
      long started = System.nanoTime();
      while (port < 0) {
        Matcher m = serving.matcher(Files.readString(log));
        if (m.find()) {
          port = Integer.parseInt(m.group(1));
        } else {
          assertThat(process.isAlive()).as(Files.readString(log)).isTrue();
          assertThat(System.nanoTime() - started).isLessThan(TimeUnit.SECONDS.toNanos(30));
          Thread.sleep(20);
        }
      }
      HttpClient http = HttpClient.newHttpClient();
      URI ready = URI.create("http://127.0.0.1:" + port + "/ready");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (http.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.ofString())
              .statusCode()
          != 200) {
        assertThat(System.nanoTime()).as("model loads").isLessThan(deadline);
        Thread.sleep(20);
      }

      process.destroy(); // SIGTERM
      HttpResponse<String> draining;
      do {
        draining =
            http.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.ofString());
      } while (draining.statusCode() == 200);
      assertThat(draining.statusCode()).isEqualTo(503);
      assertThat(draining.body()).contains("shutting down");
      HttpResponse<String> stillServing =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/predict"))
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString("{\"features\": [5.1, 3.5, 1.4, 0.2]}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(stillServing.statusCode()).isEqualTo(200);

      assertThat(process.waitFor(20, TimeUnit.SECONDS)).as("exits after the delay").isTrue();
      // 0, not the JVM's 143 for a signal: a graceful stop is no failure for the kubelet to record.
      assertThat(process.exitValue()).as("exit status after a drained SIGTERM").isEqualTo(0);
      assertThat(Files.readString(log)).contains("shutting down").contains("stopped");
    } finally {
      process.destroyForcibly();
    }
  }
}
