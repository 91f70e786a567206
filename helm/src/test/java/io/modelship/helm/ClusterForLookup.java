package io.modelship.helm;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The API server Helm's {@code lookup} asks while rendering. helm-java renders as an install's dry
 * run, not client-only as the {@code helm template} command does, so {@code lookup} reaches for the
 * cluster of $KUBECONFIG (surefire points it at a file this class writes). It answers the discovery
 * of core/v1 and GETs of Secrets from what a test put here, so a test can render the chart as a
 * first install (no Secret) or as an upgrade (the Secret exists).
 */
final class ClusterForLookup {

  private static final Map<String, String> SECRETS = new ConcurrentHashMap<>();
  private static HttpServer server;

  private ClusterForLookup() {}

  /** Starts once per test JVM, on an ephemeral port, and writes the kubeconfig Helm reads. */
  static synchronized void ensureStarted() {
    if (server != null) {
      return;
    }
    String kubeconfig = System.getenv("KUBECONFIG");
    if (kubeconfig == null || kubeconfig.isBlank()) {
      throw new IllegalStateException(
          "KUBECONFIG is not set; run the chart tests through Maven (helm/pom.xml sets it)");
    }
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.createContext("/", ClusterForLookup::answer);
      server.start();
      Path file = Path.of(kubeconfig);
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.writeString(
          file,
          """
          apiVersion: v1
          kind: Config
          clusters:
          - name: lookup
            cluster: {server: "http://127.0.0.1:%d"}
          users:
          - name: lookup
            user: {}
          contexts:
          - name: lookup
            context: {cluster: lookup, user: lookup}
          current-context: lookup
          """
              .formatted(server.getAddress().getPort()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** From now on the cluster holds this Secret, as after a first install. */
  static void putSecret(String namespace, String name, String json) {
    SECRETS.put("/api/v1/namespaces/" + namespace + "/secrets/" + name, json);
  }

  static void clear() {
    SECRETS.clear();
  }

  private static void answer(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    if (path.equals("/api/v1")) {
      send(
          exchange,
          200,
          """
          {"kind":"APIResourceList","apiVersion":"v1","groupVersion":"v1","resources":[
           {"name":"secrets","singularName":"secret","namespaced":true,"kind":"Secret",
            "verbs":["create","delete","get","list","patch","update","watch"]}]}""");
    } else if (path.equals("/api")) {
      send(
          exchange,
          200,
          "{\"kind\":\"APIVersions\",\"versions\":[\"v1\"],\"serverAddressByClientCIDRs\":[]}");
    } else if (path.equals("/apis")) {
      send(exchange, 200, "{\"kind\":\"APIGroupList\",\"apiVersion\":\"v1\",\"groups\":[]}");
    } else if (SECRETS.containsKey(path)) {
      send(exchange, 200, SECRETS.get(path));
    } else {
      send(
          exchange,
          404,
          "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"NotFound\",\"code\":404}");
    }
  }

  private static void send(HttpExchange exchange, int code, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(code, bytes.length);
    try (var out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
