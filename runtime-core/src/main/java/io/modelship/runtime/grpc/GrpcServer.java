package io.modelship.runtime.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.modelship.api.runtime.RuntimeEnvironment;
import io.modelship.runtime.http.ServingApp;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Open Inference Protocol over gRPC ({@code inference.GRPCInferenceService}) on its own port
 * ({@value RuntimeEnvironment#GRPC_PORT}, default {@value RuntimeEnvironment#DEFAULT_GRPC_PORT};
 * with {@code PORT=0} and no {@code GRPC_PORT}, a free port too), beside the HTTP server of the
 * same {@link ServingApp}: the same model, monitoring, token, rate limit and body limit (the
 * largest message accepted is {@code MAX_BODY_BYTES}).
 *
 * <p>Calls run on Netty's event-loop threads (a direct executor): a message is whole before its
 * handler runs and a small prediction is CPU work of microseconds, which a hand-off to another pool
 * would double. Batches of {@value InferenceGrpcService#POOLED_ROWS} rows or more go to a pool of
 * call threads instead (as many as cores × 4, at least 8), so that milliseconds of batch work
 * neither hold up the small calls sharing its event loop nor cap concurrent batches at the number
 * of event loops.
 */
public final class GrpcServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(GrpcServer.class);
  static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  static final Context.Key<String> AUTHORIZATION_VALUE = Context.key("authorization");

  private final Server server;
  private final ServingApp app;

  private final java.util.concurrent.ExecutorService executor;

  private GrpcServer(Server server, ServingApp app, java.util.concurrent.ExecutorService executor) {
    this.server = server;
    this.app = app;
    this.executor = executor;
  }

  /**
   * Call threads: as many as the HTTP server would run requests on at once, created as needed, idle
   * ones dropped.
   */
  private static java.util.concurrent.ExecutorService executor() {
    int threads = Math.max(8, 4 * Runtime.getRuntime().availableProcessors());
    java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.ThreadPoolExecutor pool =
        new java.util.concurrent.ThreadPoolExecutor(
            threads,
            threads,
            30,
            TimeUnit.SECONDS,
            new java.util.concurrent.LinkedBlockingQueue<>(),
            r ->
                Thread.ofPlatform().daemon().name("grpc-call-" + n.incrementAndGet()).unstarted(r));
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  /**
   * The port from the environment: {@code GRPC_PORT}, else 0 when {@code PORT} is 0, else the
   * default.
   */
  public static int port(Map<String, String> env) {
    String value = env.get(RuntimeEnvironment.GRPC_PORT);
    if (value == null || value.isBlank()) {
      return "0".equals(env.getOrDefault(RuntimeEnvironment.PORT, "").trim())
          ? 0
          : RuntimeEnvironment.DEFAULT_GRPC_PORT;
    }
    try {
      int port = Integer.parseInt(value.trim());
      if (port >= 0 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        RuntimeEnvironment.GRPC_PORT + " must be a port number 0-65535, got '" + value + "'");
  }

  /** Listens on {@code host:port} for the model {@code app} serves; stops with {@code app}. */
  public static GrpcServer start(ServingApp app, String host, int port) {
    var config = app.runtime().config();
    java.util.concurrent.ExecutorService executor = executor();
    InferenceGrpcService service =
        new InferenceGrpcService(app.runtime(), app.accessGate(), app.inFlight(), executor);
    ServerInterceptor authorization =
        new ServerInterceptor() {
          @Override
          public <Q, A> ServerCall.Listener<Q> interceptCall(
              ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
            return Contexts.interceptCall(
                Context.current().withValue(AUTHORIZATION_VALUE, headers.get(AUTHORIZATION)),
                call,
                headers,
                next);
          }
        };
    Server server =
        NettyServerBuilder.forAddress(new InetSocketAddress(host, port))
            .directExecutor()
            .maxInboundMessageSize((int) Math.min(Integer.MAX_VALUE, config.maxBodyBytes()))
            .maxInboundMetadataSize(16 * 1024)
            .addService(ServerInterceptors.intercept(service, authorization))
            .build();
    try {
      server.start();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot listen for gRPC on "
              + host
              + ":"
              + port
              + " ("
              + e.getMessage()
              + "); set "
              + RuntimeEnvironment.GRPC_PORT
              + " to a free port (0 picks one)",
          e);
    }
    GrpcServer grpc = new GrpcServer(server, app, executor);
    app.stopAlongside(grpc);
    LOG.info("Open Inference Protocol over gRPC on {}:{}", host, grpc.port());
    return grpc;
  }

  public int port() {
    return server.getPort();
  }

  /** Stops taking calls, lets those in flight finish (up to the drain timeout), then stops. */
  @Override
  public void close() {
    server.shutdown();
    try {
      if (!server.awaitTermination(
          app.runtime().config().drainTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
        server.shutdownNow();
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    } finally {
      executor.shutdownNow();
    }
  }

  @Override
  public String toString() {
    return "the gRPC server on port " + port();
  }
}
