package io.modelship.local.kube;

import io.modelship.local.kube.auth.Tls;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.net.PfxOptions;
import java.io.IOException;
import java.net.URI;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The embedded API's listener, over TLS: Vert.x, because the Fabric8 clients watch over WebSocket
 * (kubectl over chunked HTTP) and both must be served on the one address the kubeconfig names. Each
 * request is handled on a virtual thread, so a watch may block waiting for changes.
 */
final class VertxFront implements AutoCloseable {

  private final Vertx vertx =
      Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2).setWorkerPoolSize(2));
  private final HttpServer server;

  VertxFront(String host, int port, Tls tls, ExecutorService executor, Consumer<Exchange> handler)
      throws IOException {
    server =
        vertx.createHttpServer(
            new HttpServerOptions()
                .setHost(host)
                .setPort(port)
                .setSsl(true)
                .setKeyCertOptions(
                    new PfxOptions().setPath(tls.keyStore().toString()).setPassword(tls.password()))
                .setMaxWebSocketFrameSize(16 * 1024 * 1024)
                .setMaxWebSocketMessageSize(64 * 1024 * 1024));
    server.requestHandler(
        request -> {
          boolean upgrade = "websocket".equalsIgnoreCase(request.getHeader("Upgrade"));
          if (upgrade) {
            request.pause();
            executor.submit(() -> handler.accept(new VertxExchange(request, new byte[0], true)));
            return;
          }
          request
              .body()
              .onSuccess(
                  body ->
                      executor.submit(
                          () -> handler.accept(new VertxExchange(request, body.getBytes(), false))))
              .onFailure(e -> request.response().setStatusCode(400).end());
        });
    try {
      server.listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      vertx.close();
      throw new IOException("cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
    }
  }

  int port() {
    return server.actualPort();
  }

  @Override
  public void close() {
    try {
      server.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
      vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      // closing anyway
    }
  }

  private static final class VertxExchange implements Exchange {
    private final HttpServerRequest request;
    private final byte[] body;
    private final boolean upgrade;

    VertxExchange(HttpServerRequest request, byte[] body, boolean upgrade) {
      this.request = request;
      this.body = body;
      this.upgrade = upgrade;
    }

    @Override
    public String method() {
      return request.method().name();
    }

    @Override
    public URI uri() {
      return URI.create(request.uri());
    }

    @Override
    public String header(String name) {
      return request.getHeader(name);
    }

    @Override
    public byte[] body() {
      return body;
    }

    @Override
    public void warn(String text) {
      request.response().headers().add("Warning", "299 - \"" + text.replace("\"", "\\\"") + "\"");
    }

    @Override
    public void respond(int code, String contentType, byte[] bytes) throws IOException {
      HttpServerResponse response =
          request.response().setStatusCode(code).putHeader("Content-Type", contentType);
      await(response.end(Buffer.buffer(bytes)));
    }

    @Override
    public EventStream stream() throws IOException {
      if (upgrade) {
        ServerWebSocket ws = await(request.toWebSocket());
        boolean[] open = {true};
        ws.closeHandler(v -> open[0] = false);
        return new EventStream() {
          @Override
          public void send(String event) throws IOException {
            if (!open[0]) {
              throw new IOException("closed");
            }
            await(ws.writeTextMessage(event));
          }

          @Override
          public boolean isOpen() {
            return open[0];
          }
        };
      }
      HttpServerResponse response =
          request
              .response()
              .setStatusCode(200)
              .setChunked(true)
              .putHeader("Content-Type", "application/json")
              .putHeader("Cache-Control", "no-cache, private");
      boolean[] open = {true};
      response.closeHandler(v -> open[0] = false);
      await(response.writeHead());
      return new EventStream() {
        @Override
        public void send(String event) throws IOException {
          if (!open[0]) {
            throw new IOException("closed");
          }
          await(response.write(event + "\n"));
        }

        @Override
        public boolean isOpen() {
          return open[0] && !response.closed();
        }
      };
    }

    private static <T> T await(io.vertx.core.Future<T> future) throws IOException {
      try {
        return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException e) {
        throw new IOException(e.getCause().getMessage(), e.getCause());
      } catch (java.util.concurrent.TimeoutException e) {
        throw new IOException("write timed out", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
    }
  }
}
