package io.modelship.kubectl;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code kubectl modelship dashboard}'s web server, on the loopback interface only: the page
 * ({@code /}), the fleet as JSON ({@code /api/fleet}) and the same JSON pushed as server-sent
 * events whenever a watch sees a change ({@code /events}).
 *
 * <p>The page is self-contained (inline script and style, no fonts, images or libraries from
 * anywhere) and served with a Content-Security-Policy that allows exactly its own script and style
 * by their sha256 and connections to this server. Requests whose {@code Host} is not this loopback
 * address are refused, so a web page elsewhere cannot reach the user's cluster credentials through
 * a DNS name rebound to 127.0.0.1.
 */
final class FleetServer implements AutoCloseable {

  static final String PAGE = "/io/modelship/kubectl/fleet.html";

  /**
   * Changes closer together than this are sent as one event: a rollout step writes several objects.
   */
  static final long DEBOUNCE_MILLIS = 150;

  /** A comment line this often keeps proxies and the browser from closing an idle stream. */
  static final long HEARTBEAT_SECONDS = 15;

  private static final Pattern INLINE =
      Pattern.compile("<(script|style)>(.*?)</\\1>", Pattern.DOTALL);

  private final Supplier<String> snapshot;
  private final HttpServer server;
  private final byte[] page;
  private final String policy;
  private final ExecutorService handlers = Executors.newVirtualThreadPerTaskExecutor();
  private final ScheduledExecutorService debounce =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "fleet-debounce");
            t.setDaemon(true);
            return t;
          });
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private final Set<BlockingQueue<String>> streams = ConcurrentHashMap.newKeySet();

  /** Listens on 127.0.0.1 at the port (0: any free one); snapshot gives the fleet as JSON. */
  FleetServer(int port, Supplier<String> snapshot) throws IOException {
    this.snapshot = snapshot;
    this.page = readPage();
    this.policy = policyFor(new String(page, StandardCharsets.UTF_8));
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
    server.setExecutor(handlers);
    server.createContext("/", this::handle);
    server.start();
  }

  String url() {
    return "http://"
        + InetAddress.getLoopbackAddress().getHostAddress()
        + ":"
        + server.getAddress().getPort()
        + "/";
  }

  String policy() {
    return policy;
  }

  /** Something in the fleet changed: push a fresh snapshot to every open page, once per burst. */
  void changed() {
    if (scheduled.compareAndSet(false, true)) {
      debounce.schedule(
          () -> {
            scheduled.set(false);
            if (streams.isEmpty()) {
              return;
            }
            String json = snapshot.get();
            streams.forEach(queue -> queue.offer(json));
          },
          DEBOUNCE_MILLIS,
          TimeUnit.MILLISECONDS);
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!allowedHost(exchange.getRequestHeaders().getFirst("Host"))) {
        send(
            exchange,
            403,
            "text/plain; charset=utf-8",
            "refused: the fleet view answers only requests addressed to " + url() + "\n");
        return;
      }
      if (!"GET".equals(exchange.getRequestMethod())) {
        exchange.getResponseHeaders().set("Allow", "GET");
        send(exchange, 405, "text/plain; charset=utf-8", "only GET\n");
        return;
      }
      switch (exchange.getRequestURI().getPath()) {
        case "/" -> {
          var headers = exchange.getResponseHeaders();
          headers.set("Content-Security-Policy", policy);
          headers.set("X-Frame-Options", "DENY");
          headers.set("X-Content-Type-Options", "nosniff");
          headers.set("Referrer-Policy", "no-referrer");
          send(exchange, 200, "text/html; charset=utf-8", page);
        }
        case "/api/fleet" -> send(exchange, 200, "application/json", snapshot.get());
        case "/events" -> stream(exchange);
        default -> send(exchange, 404, "text/plain; charset=utf-8", "not found\n");
      }
    } catch (IOException e) {
      // the browser closed the connection; nothing to answer
    }
  }

  /** Server-sent events: the current fleet at once, then again after every change. */
  private void stream(HttpExchange exchange) throws IOException {
    var headers = exchange.getResponseHeaders();
    headers.set("Content-Type", "text/event-stream; charset=utf-8");
    headers.set("Cache-Control", "no-store");
    headers.set("X-Content-Type-Options", "nosniff");
    exchange.sendResponseHeaders(200, 0);
    var queue = new LinkedBlockingQueue<String>();
    streams.add(queue);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(("retry: 2000\n" + event(snapshot.get())).getBytes(StandardCharsets.UTF_8));
      out.flush();
      while (!Thread.currentThread().isInterrupted()) {
        String json = queue.poll(HEARTBEAT_SECONDS, TimeUnit.SECONDS);
        if (json != null) {
          // Only the newest matters when several piled up behind a slow reader.
          String newer;
          while ((newer = queue.poll()) != null) {
            json = newer;
          }
        }
        out.write(
            (json == null ? ": keep-alive\n\n" : event(json)).getBytes(StandardCharsets.UTF_8));
        out.flush();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      streams.remove(queue);
    }
  }

  private static String event(String json) {
    // JSON from the serializer has no raw newlines, so it is one data line.
    return "event: fleet\ndata: " + json + "\n\n";
  }

  private boolean allowedHost(String host) {
    int port = server.getAddress().getPort();
    return host != null && (host.equals("127.0.0.1:" + port) || host.equals("localhost:" + port));
  }

  private static void send(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    send(exchange, status, type, body.getBytes(StandardCharsets.UTF_8));
  }

  private static void send(HttpExchange exchange, int status, String type, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    exchange.sendResponseHeaders(status, body.length);
    exchange.getResponseBody().write(body);
  }

  private static byte[] readPage() {
    try (InputStream in = FleetServer.class.getResourceAsStream(PAGE)) {
      if (in == null) {
        throw new IllegalStateException(
            "the fleet page " + PAGE + " is missing from the plugin's jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Nothing by default; the page's own inline script and style elements by their hashes (the script
   * sets sizes and colours through the CSSOM, which a policy does not restrict, so no style
   * attributes are allowed); connections to this server only; the empty data: icon that keeps the
   * browser from asking for /favicon.ico; no forms, base URI or framing.
   */
  static String policyFor(String page) {
    List<String> scripts = new ArrayList<>();
    List<String> styles = new ArrayList<>();
    Matcher m = INLINE.matcher(page);
    while (m.find()) {
      (m.group(1).equals("script") ? scripts : styles).add("'sha256-" + sha256(m.group(2)) + "'");
    }
    return "default-src 'none'; script-src "
        + (scripts.isEmpty() ? "'none'" : String.join(" ", scripts))
        + "; style-src "
        + (styles.isEmpty() ? "'none'" : String.join(" ", styles))
        + "; connect-src 'self'; img-src data:; font-src 'none'; base-uri 'none'; form-action 'none';"
        + " frame-ancestors 'none'";
  }

  private static String sha256(String text) {
    try {
      return Base64.getEncoder()
          .encodeToString(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    handlers.shutdownNow(); // interrupts the open event streams
    debounce.shutdownNow();
    server.stop(0);
  }
}
