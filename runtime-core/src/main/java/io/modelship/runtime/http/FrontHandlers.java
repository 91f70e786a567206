package io.modelship.runtime.http;

import io.modelship.runtime.server.ServeConfig;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.QoSHandler;
import org.eclipse.jetty.util.Callback;

/**
 * The Jetty handlers in front of Javalin's: headers every answer carries, and threads kept for the
 * probes.
 */
final class FrontHandlers {

  /**
   * Request threads no other path may take, so {@code /health} and {@code /ready} always find one.
   */
  static final int PROBE_THREADS = 16;

  private FrontHandlers() {}

  /**
   * The handlers for a server whose platform pool has {@code maxThreads} threads (Javalin's servlet
   * goes inside). Requests to any path but the probes may hold at most {@code maxThreads} - {@link
   * #PROBE_THREADS} threads; more wait, without a thread, and get 503 after the body timeout.
   * Requests that will be refused for their token skip the wait, so slow clients with the token
   * never delay a refusal. On virtual threads there is no pool to exhaust and nothing is held back.
   */
  static Handler.Wrapper forServer(ServeConfig serve, int maxThreads, AccessControl access) {
    if (serve.virtualThreads()) {
      return new SecurityHeaders(null);
    }
    QoSHandler reserve = new QoSHandler();
    reserve.setMaxRequestCount(maxThreads - PROBE_THREADS);
    reserve.setMaxSuspend(serve.bodyTiming().timeout());
    reserve.setRejectStatusCode(503);
    AccessControl.OPEN_PATHS.forEach(reserve::excludePath);
    // A request without the right token is answered at once (401, no body read): it never waits
    // here.
    reserve.exclude(
        request ->
            access.refusesToken(
                request.getHttpURI().getPath(), request.getHeaders().get("Authorization")));
    return new SecurityHeaders(reserve);
  }

  /**
   * Every answer, Jetty's own errors included, says {@code nosniff}: a browser never takes a JSON
   * error that echoes a client's text for HTML.
   */
  private static final class SecurityHeaders extends Handler.Wrapper {
    SecurityHeaders(Handler handler) {
      super(handler);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
      response.getHeaders().put("X-Content-Type-Options", "nosniff");
      return super.handle(request, response, callback);
    }
  }
}
