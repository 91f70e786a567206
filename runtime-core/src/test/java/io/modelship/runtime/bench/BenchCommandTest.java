package io.modelship.runtime.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BenchCommandTest {

  private HttpServer server;
  private final StringWriter out = new StringWriter();

  @AfterEach
  void stopServer() {
    if (server != null) {
      server.stop(0);
    }
  }

  private String serve(int status) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.createContext(
        "/",
        exchange -> {
          try (exchange) {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(status, -1);
          }
        });
    server.start();
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/health";
  }

  private int bench(String... args) {
    var cl = new CommandLine(new BenchCommand());
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(out));
    return cl.execute(args);
  }

  @Test
  void printsTheMachineReadableLineLast() throws Exception {
    int code =
        bench("--url", serve(200), "--concurrency", "2", "--duration", "1s", "--warmup", "200ms");

    assertThat(code).isZero();
    String[] lines = out.toString().strip().split("\n");
    assertThat(lines[lines.length - 1])
        .matches(
            "bench: requests=[1-9]\\d* rps=\\d+\\.\\d p50_ms=\\d+\\.\\d{3} p95_ms=\\d+\\.\\d{3}"
                + " p99_ms=\\d+\\.\\d{3} max_ms=\\d+\\.\\d{3} errors=0");
  }

  @Test
  void exitsNonZeroWhenEveryRequestFailed() throws Exception {
    int code =
        bench(
            "--url",
            serve(500),
            "-c",
            "1",
            "-d",
            "200ms",
            "--warmup",
            "0s",
            "--body",
            "{}",
            "-H",
            "X-Trace: 1");

    assertThat(code).isEqualTo(1);
    assertThat(out.toString()).contains("bench: POST").contains("errors=");
  }

  @Test
  void refusesAGetWithABody() {
    int code = bench("--url", "http://127.0.0.1:1/", "--method", "GET", "--body", "{}");

    assertThat(code).isEqualTo(2);
    assertThat(out.toString()).contains("a GET request takes no --body");
  }

  @Test
  void readsShortAndIsoDurations() {
    var converter = new BenchCommand.DurationConverter();

    assertThat(converter.convert("30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(converter.convert("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(converter.convert("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(converter.convert("1.5s")).isEqualTo(Duration.ofMillis(1500));
    assertThat(converter.convert("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(converter.convert("10")).isEqualTo(Duration.ofSeconds(10));
    assertThat(converter.convert("PT45S")).isEqualTo(Duration.ofSeconds(45));
    assertThatThrownBy(() -> converter.convert("soon"))
        .isInstanceOf(CommandLine.TypeConversionException.class);
  }
}
