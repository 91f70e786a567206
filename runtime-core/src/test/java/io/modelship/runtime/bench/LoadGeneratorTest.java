package io.modelship.runtime.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LoadGeneratorTest {

  private HttpServer server;
  private final AtomicLong seen = new AtomicLong();
  private final AtomicLong served500 = new AtomicLong();
  private final Map<String, String> lastRequest = new ConcurrentHashMap<>();

  @AfterEach
  void stopServer() {
    if (server != null) {
      server.stop(0);
    }
  }

  /**
   * Starts a server that counts every request before answering {@code status}, after {@code
   * delayMillis}.
   */
  private URI start(int status, long delayMillis) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext(
        "/",
        exchange -> {
          try (exchange;
              InputStream in = exchange.getRequestBody()) {
            String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            lastRequest.put("method", exchange.getRequestMethod());
            lastRequest.put("body", body);
            lastRequest.put(
                "content-type",
                String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type")));
            lastRequest.put(
                "x-test", String.valueOf(exchange.getRequestHeaders().getFirst("X-Test")));
            if (delayMillis > 0) {
              Thread.sleep(delayMillis);
            }
            seen.incrementAndGet();
            if (status == 500) {
              served500.incrementAndGet();
            }
            byte[] answer = "{\"status\":\"UP\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, answer.length);
            exchange.getResponseBody().write(answer);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    server.start();
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/predict");
  }

  private static LoadGenerator.Config config(
      URI url,
      String method,
      byte[] body,
      int concurrency,
      long warmupMillis,
      long durationMillis) {
    List<Map.Entry<String, String>> headers =
        body == null
            ? List.of(Map.entry("X-Test", "yes"))
            : List.of(Map.entry("X-Test", "yes"), Map.entry("Content-Type", "application/json"));
    return new LoadGenerator.Config(
        url,
        method,
        body,
        headers,
        concurrency,
        Duration.ofMillis(warmupMillis),
        Duration.ofMillis(durationMillis),
        Duration.ofSeconds(5));
  }

  @Test
  void everyRequestTheServerSawIsWarmupMeasuredOrInFlightAtStop() throws Exception {
    URI url = start(200, 2);
    byte[] body = "{\"features\":[1,2,3]}".getBytes(StandardCharsets.UTF_8);

    var result = new LoadGenerator(config(url, "POST", body, 4, 500, 1000)).run();

    assertThat(result.requests()).isPositive();
    assertThat(result.warmupRequests()).isPositive();
    assertThat(seen.get())
        .isEqualTo(result.warmupRequests() + result.requests() + result.inFlightAtStop());
    assertThat(result.inFlightAtStop()).isLessThanOrEqualTo(4);
    assertThat(result.errors()).isZero();
    assertThat(result.latency().getTotalCount()).isEqualTo(result.requests());
    // A 2 ms handler cannot answer faster than 2 ms.
    assertThat(result.latencyMillis(50)).isGreaterThanOrEqualTo(2.0);
    assertThat(result.requestsPerSecond()).isEqualTo(result.requests() / 1.0);
    assertThat(lastRequest)
        .containsEntry("method", "POST")
        .containsEntry("body", "{\"features\":[1,2,3]}")
        .containsEntry("content-type", "application/json")
        .containsEntry("x-test", "yes");
  }

  @Test
  void countsEachServerErrorAsANon2xxError() throws Exception {
    URI url = start(500, 0);

    var result = new LoadGenerator(config(url, "GET", null, 2, 0, 1000)).run();

    assertThat(result.requests()).isPositive();
    assertThat(result.warmupRequests()).isZero();
    assertThat(served500.get()).isEqualTo(result.requests() + result.inFlightAtStop());
    assertThat(result.non2xx()).isEqualTo(result.requests());
    assertThat(result.ioErrors()).isZero();
    assertThat(result.errors()).isEqualTo(result.requests());
    assertThat(result.latency().getTotalCount()).isZero();
    assertThat(lastRequest).containsEntry("method", "GET").containsEntry("body", "");
  }

  @Test
  void countsRefusedConnectionsAsIoErrors() throws Exception {
    int closedPort;
    try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    URI url = URI.create("http://127.0.0.1:" + closedPort + "/health");

    var result = new LoadGenerator(config(url, "GET", null, 2, 0, 500)).run();

    assertThat(result.requests()).isPositive();
    assertThat(result.ioErrors()).isEqualTo(result.requests());
    assertThat(result.non2xx()).isZero();
  }
}
