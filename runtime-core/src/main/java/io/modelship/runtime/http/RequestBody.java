package io.modelship.runtime.http;

import io.javalin.http.Context;
import io.modelship.runtime.server.ServeConfig.BodyTiming;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.Arrays;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.io.EndPoint;

/**
 * Reads a request body whole, before anything is parsed, within its {@link BodyTiming}: each read
 * may wait only as long as the body's deadline and minimum rate allow (the connection's idle
 * timeout is narrowed to that while the read waits), so a client sending a byte now and then is cut
 * off with 408 instead of holding a request thread for minutes. The bytes count against the
 * request's share of the parsing budget as they arrive, at what they cost (a byte each), and the
 * tree is built only from a complete body: a stalled body holds its few raw bytes, never a
 * half-built tree.
 */
final class RequestBody {

  /**
   * Context attribute: set once the body has been read to its end (the connection can be reused).
   */
  static final String COMPLETE = "modelship.bodyComplete";

  /** Bytes read at a time, and the first allocation of a chunked body's buffer. */
  private static final int STEP = 64 * 1024;

  private RequestBody() {}

  /**
   * The body's bytes: exactly {@code declared} of them, or for a chunked body ({@code declared} -1)
   * up to {@code maxBytes} (more is refused with 413).
   */
  static byte[] read(
      Context ctx,
      long declared,
      long maxBytes,
      BodyTiming timing,
      BoundedJson.InFlight.Lease lease) {
    long start = System.nanoTime();
    EndPoint endPoint = endPoint(ctx);
    long idle = endPoint == null ? 0 : endPoint.getIdleTimeout();
    // The buffer grows with what has arrived, never with what is declared: a client that declares
    // 8 MiB and sends a byte a second holds 64 KiB.
    long limit = declared >= 0 ? declared : maxBytes;
    byte[] buffer = new byte[(int) Math.min(STEP, limit)];
    int n = 0;
    try {
      InputStream in = ctx.req().getInputStream();
      while (true) {
        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
        long wait = allowedWaitMillis(timing, n, elapsedMillis);
        if (wait <= 0) {
          throw tooSlow(timing, n, declared, elapsedMillis);
        }
        if (endPoint != null) {
          endPoint.setIdleTimeout(idle > 0 ? Math.min(idle, wait) : wait);
        }
        if (n == buffer.length) {
          if (buffer.length < limit) {
            buffer = Arrays.copyOf(buffer, (int) Math.min(limit, 2L * buffer.length));
          } else if (declared >= 0 || in.read() < 0) {
            break;
          } else { // a chunked body over the limit
            throw new HttpError(
                413, "request body is larger than the limit of " + maxBytes + " bytes");
          }
          continue;
        }
        int r;
        try {
          r = in.read(buffer, n, Math.min(STEP, buffer.length - n));
        } catch (IOException e) {
          long now = (System.nanoTime() - start) / 1_000_000;
          if (allowedWaitMillis(timing, n, now) <= 0
              || e.getCause() instanceof TimeoutException
              || e instanceof InterruptedIOException) {
            throw tooSlow(timing, n, declared, now);
          }
          throw new JsonIo.ClientGone(e);
        }
        if (r < 0) {
          if (declared >= 0) {
            throw HttpError.badRequest(
                "request body ended after " + n + " of its " + declared + " bytes");
          }
          break;
        }
        n += r;
        try {
          lease.takeBytes(n);
        } catch (
            HttpError
                busy) { // 429: the body is arriving at a good pace, so the answer waits for it
          drain(in, endPoint, idle, timing, start, n, declared);
          ctx.attribute(COMPLETE, Boolean.TRUE);
          throw busy;
        }
      }
    } catch (IOException e) {
      throw new JsonIo.ClientGone(e);
    } finally {
      if (endPoint != null) {
        endPoint.setIdleTimeout(idle);
      }
    }
    ctx.attribute(COMPLETE, Boolean.TRUE);
    return n == buffer.length ? buffer : Arrays.copyOf(buffer, n);
  }

  /**
   * Reads and drops the rest of a body already {@code n} bytes in, at the same deadline and rate,
   * so a client uploading at a good pace gets its answer instead of a reset connection.
   */
  private static void drain(
      InputStream in,
      EndPoint endPoint,
      long idle,
      BodyTiming timing,
      long start,
      long n,
      long declared)
      throws IOException {
    byte[] scratch = new byte[STEP];
    for (long read = n; declared < 0 || read < declared; ) {
      long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
      long wait = allowedWaitMillis(timing, read, elapsedMillis);
      if (wait <= 0) {
        throw tooSlow(timing, read, declared, elapsedMillis);
      }
      if (endPoint != null) {
        endPoint.setIdleTimeout(idle > 0 ? Math.min(idle, wait) : wait);
      }
      int r = in.read(scratch);
      if (r < 0) {
        return;
      }
      read += r;
    }
  }

  /**
   * How long the next read may wait, in milliseconds (0 or less: the body is already too slow):
   * until the body's deadline, and until the moment it would fall below the minimum rate (which it
   * must keep from one second after the start: {@code bytes >= rate * (elapsed - 1 s)}).
   */
  static long allowedWaitMillis(BodyTiming timing, long bytes, long elapsedMillis) {
    long untilDeadline = timing.timeout().toMillis() - elapsedMillis;
    if (timing.minBytesPerSecond() <= 0) {
      return untilDeadline;
    }
    // the rate is kept while elapsed <= 1 s + bytes / rate; the next byte moves that moment on
    long untilTooSlow = 1000 + (bytes * 1000) / timing.minBytesPerSecond() - elapsedMillis;
    return Math.min(untilDeadline, untilTooSlow);
  }

  private static HttpError tooSlow(
      BodyTiming timing, long bytes, long declared, long elapsedMillis) {
    return new HttpError(
        408,
        "request body arrived too slowly: "
            + bytes
            + (declared >= 0 ? " of " + declared : "")
            + " bytes in "
            + elapsedMillis / 1000.0
            + " s (a body must arrive within "
            + timing.timeout().toMillis() / 1000.0
            + " s"
            + (timing.minBytesPerSecond() > 0
                ? ", at "
                    + timing.minBytesPerSecond()
                    + " bytes per second or more after its first second"
                : "")
            + ")");
  }

  /** The connection's end point, whose idle timeout bounds a blocked read; null outside Jetty. */
  private static EndPoint endPoint(Context ctx) {
    ServletContextRequest request = ServletContextRequest.getServletContextRequest(ctx.req());
    return request == null ? null : request.getConnectionMetaData().getConnection().getEndPoint();
  }
}
