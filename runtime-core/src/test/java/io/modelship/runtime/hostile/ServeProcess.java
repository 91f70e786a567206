package io.modelship.runtime.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelship.runtime.TestModels;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real {@code serve} process on a small heap, as in a pod, serving the iris package on a free
 * port.
 */
final class ServeProcess implements AutoCloseable {

  static final String HEAP = "-Xmx128m";
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  final Process process;
  final Path log;
  final int port;

  private ServeProcess(Process process, Path log, int port) {
    this.process = process;
    this.log = log;
    this.port = port;
  }

  /**
   * Starts {@code serve} with {@code env} added to this JVM's environment and waits until it is
   * ready.
   */
  static ServeProcess start(Path dir, Map<String, String> env) throws Exception {
    ServeProcess serve = listening(dir, env);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (serve.get("/ready", Duration.ofSeconds(10)).statusCode() != 200) {
      assertThat(System.nanoTime()).as("model loads").isLessThan(deadline);
      Thread.sleep(50);
    }
    return serve;
  }

  /**
   * Starts {@code serve} with {@code env} (MODEL_URI wins over the iris package) and waits until it
   * listens.
   */
  static ServeProcess listening(Path dir, Map<String, String> env) throws Exception {
    String java = ProcessHandle.current().info().command().orElseThrow();
    List<String> command =
        new ArrayList<>(
            List.of(
                java,
                HEAP,
                "-XX:+UseSerialGC",
                "-XX:+ExitOnOutOfMemoryError",
                "-cp",
                System.getProperty("java.class.path"),
                "io.modelship.runtime.cli.Main",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                "0"));
    if (!env.containsKey("MODEL_URI")) {
      command.addAll(List.of("--model", TestModels.irisDirectory().toString()));
    }
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().putAll(env);
    Path log = Files.createTempFile(dir, "serve", ".log");
    builder.redirectErrorStream(true).redirectOutput(log.toFile());
    Process process = builder.start();
    Pattern serving = Pattern.compile("serving .* on http://127.0.0.1:(\\d+)");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    int port = -1;
    while (port < 0) {
      Matcher m = serving.matcher(Files.readString(log));
      if (m.find()) {
        port = Integer.parseInt(m.group(1));
      } else {
        assertThat(process.isAlive()).as(Files.readString(log)).isTrue();
        assertThat(System.nanoTime()).as("serve starts").isLessThan(deadline);
        Thread.sleep(50);
      }
    }
    return new ServeProcess(process, log, port);
  }

  HttpResponse<String> get(String path, Duration timeout) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(timeout)
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> post(String path, String token, byte[] body, Duration timeout)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
