package io.modelship.operator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/** /healthz, /readyz and Prometheus /metrics for the kubelet and the scraper. */
public final class OperatorHttpServer implements AutoCloseable {

  private final HttpServer server;

  public OperatorHttpServer(
      int port, BooleanSupplier live, BooleanSupplier ready, PrometheusMeterRegistry registry)
      throws IOException {
    server = HttpServer.create(new InetSocketAddress(port), 0);
    server.createContext("/healthz", e -> probe(e, live.getAsBoolean()));
    server.createContext("/readyz", e -> probe(e, ready.getAsBoolean()));
    server.createContext(
        "/metrics",
        e -> send(e, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape()));
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
  }

  public OperatorHttpServer start() {
    server.start();
    return this;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private static void probe(HttpExchange exchange, boolean ok) throws IOException {
    send(
        exchange,
        ok ? 200 : 503,
        "application/json",
        ok ? "{\"status\":\"UP\"}" : "{\"status\":\"DOWN\"}");
  }

  private static void send(HttpExchange exchange, int code, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(code, bytes.length);
    try (var out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
