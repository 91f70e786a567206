package io.modelship.local.traffic;

/**
 * How long the JDK HTTP client of this process keeps an idle connection for reuse. Its default, 30
 * s, equals the idle timeout of the servers it talks to (the router's {@code HttpServer}, the
 * runtime's Jetty), so a pooled connection can be closed by the server just as a request is sent on
 * it: the client then sees "header parser received no bytes" and, the request being a POST, does
 * not retry. Keeping idle connections for less time than any server does removes the race; in a
 * cluster, Envoy and kube-proxy'd clients tune the same pair of timeouts this way.
 */
public final class ClientConnections {

  static final String KEEPALIVE_PROPERTY = "jdk.httpclient.keepalive.timeout";
  static final String IDLE_SECONDS = "5";

  private ClientConnections() {}

  /** Sets the keep-alive unless the user set one; must run before the first HttpClient is built. */
  public static void keepIdleBriefly() {
    if (System.getProperty(KEEPALIVE_PROPERTY) == null) {
      System.setProperty(KEEPALIVE_PROPERTY, IDLE_SECONDS);
    }
  }
}
