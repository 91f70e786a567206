package io.modelship.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A model that cannot be had says so in /ready, within MODEL_LOAD_TIMEOUT, without the URI's
 * secrets.
 */
class LoadFaultsTest {

  HttpServer server;

  @BeforeEach
  void serve() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/hangs",
        exchange -> {
          try {
            Thread.sleep(60_000); // never answers
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          exchange.close();
        });
    server.createContext(
        "/missing",
        exchange -> {
          exchange.sendResponseHeaders(404, -1);
          exchange.close();
        });
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  String uri(String path) {
    return "http://reader:hunter2@127.0.0.1:"
        + server.getAddress().getPort()
        + path
        + "?X-Amz-Signature=SECRETSIG";
  }

  @Test
  void aLoadOverModelLoadTimeoutFailsVisibly() {
    long start = System.nanoTime();
    ServingApp app =
        ServingAppTest.start(
            Map.of("MODEL_URI", uri("/hangs/iris.tar.gz"), "MODEL_LOAD_TIMEOUT", "1s"));
    try {
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
      ServingAppTest.Reply ready = ServingAppTest.get(app, "/ready");
      ServingAppTest.assertError(
          ready, 503, "model failed to load: loading took longer than MODEL_LOAD_TIMEOUT (1 s)");
      assertThat(ready.body()).doesNotContain("hunter2").doesNotContain("SECRETSIG");
      ServingAppTest.assertError(
          ServingAppTest.post(app, "/predict", "{\"features\": [1, 2, 3, 4]}", "application/json"),
          503,
          "MODEL_LOAD_TIMEOUT");
    } finally {
      app.close();
    }
  }

  @Test
  void aFailedDownloadNamesTheUriWithoutItsSecrets() {
    ServingApp app = ServingAppTest.start(Map.of("MODEL_URI", uri("/missing/iris.tar.gz")));
    try {
      ServingAppTest.Reply ready = ServingAppTest.get(app, "/ready");
      ServingAppTest.assertError(
          ready,
          503,
          "HTTP 404",
          "http://REDACTED@127.0.0.1:"
              + server.getAddress().getPort()
              + "/missing/iris.tar.gz?REDACTED");
      assertThat(ready.body()).doesNotContain("hunter2").doesNotContain("SECRETSIG");
    } finally {
      app.close();
    }
  }
}
