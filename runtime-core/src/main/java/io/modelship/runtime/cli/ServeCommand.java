package io.modelship.runtime.cli;

import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.modelship.api.runtime.UriRedaction;
import io.modelship.runtime.grpc.GrpcServer;
import io.modelship.runtime.http.ServingApp;
import io.modelship.runtime.server.ServeConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code serve}: loads a model package and serves it over HTTP until SIGTERM. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description =
        "Serve a model package over REST (seed API, KServe V1, Open Inference Protocol V2).",
    footer = {
      "",
      "Every option can also be set by its environment variable (MODEL_URI, MODEL_SHA256, PORT, "
          + "HOST, MAX_BODY_BYTES, MONITORING_ENABLED, DRIFT_WINDOW_SIZE, DRIFT_WARNING, DRIFT_THRESHOLD, "
          + "ACCURACY_MAX_DROP, AUTH_TOKEN, RATE_LIMIT_RPS, PREDICTION_CACHE_SIZE, PREDICTION_LOG, ...); "
          + "flags win."
    })
public final class ServeCommand implements Callable<Integer> {

  @Option(
      names = "--model",
      description = "Package URI: path, file://, http(s):// or pvc://CLAIM/PATH.")
  String model;

  @Option(
      names = "--sha256",
      description = "Expected sha256 of the package archive (of model.bin for a folder).")
  String sha256;

  @Option(names = "--port", description = "HTTP port (default 8080; 0 picks a free one).")
  Integer port;

  @Option(
      names = "--grpc-port",
      description =
          "Open Inference Protocol gRPC port (default 8081; 0 picks a free"
              + " one, as it does when --port is 0 and this is not given).")
  Integer grpcPort;

  @Option(names = "--host", description = "Address to bind (default 0.0.0.0).")
  String host;

  @Option(
      names = "--max-body-bytes",
      description = "Largest request body accepted (default 8 MiB).")
  Long maxBodyBytes;

  @Option(
      names = "--monitoring",
      negatable = true,
      description = "Drift, accuracy and latency histograms (default on).")
  Boolean monitoring;

  @Option(
      names = "--auth-token-file",
      description = "Require 'Authorization: Bearer <token>' read from this file.")
  Path authTokenFile;

  @Option(
      names = "--body-timeout",
      description = "A request body must arrive within this (default 30s).")
  String bodyTimeout;

  @Option(
      names = "--body-min-rate",
      description =
          "Bytes per second a request body must arrive at after its first"
              + " second (default 8192; 0 = no minimum).")
  Long bodyMinRate;

  @Option(
      names = "--rate-limit",
      description = "Requests per second allowed in total (0 = unlimited).")
  Double rateLimit;

  @Option(names = "--cache-size", description = "Entries of the LRU prediction cache (0 = off).")
  Integer cacheSize;

  @Option(
      names = "--prediction-log",
      description = "Append sampled predictions as JSON lines to this file.")
  String predictionLog;

  @Override
  public Integer call() throws Exception {
    Map<String, String> env = environment();
    ServeConfig config = ServeConfig.fromEnvironment(env).validate();
    int grpcPort = GrpcServer.port(env);
    ServingApp app = new ServingApp(config).handleStopSignals();
    // The gRPC server starts on a thread of its own beside the model load and the HTTP server, and
    // /ready waits for it: a ready pod answers gRPC too. (The image's AOT cache leaves gRPC's
    // classes out to stay small, so its start is no longer the few milliseconds after the HTTP
    // server's that it was; images/README.md.)
    Runnable grpcListening = app.readyOnceStarted("the gRPC server");
    CompletableFuture<GrpcServer> grpcStart = new CompletableFuture<>();
    Thread.ofPlatform()
        .name("grpc-start")
        .start(
            () -> {
              try {
                grpcStart.complete(GrpcServer.start(app, config.host(), grpcPort));
                grpcListening.run();
              } catch (Throwable e) {
                grpcStart.completeExceptionally(e);
              }
            });
    app.start(() -> new KubernetesClientBuilder().build());
    GrpcServer grpc;
    try {
      grpc = grpcStart.join();
    } catch (CompletionException e) {
      // as when it started on this thread: "cannot listen for gRPC on …; set GRPC_PORT …"
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw e;
    }
    System.out.println(
        "serving "
            + UriRedaction.redact(config.modelUri())
            + " on http://"
            + config.host()
            + ":"
            + app.port()
            + " (Open Inference Protocol over gRPC on port "
            + grpc.port()
            + ")");
    app.awaitShutdown();
    return 0;
  }

  /** The process environment with the flags given mapped onto the same variable names. */
  private Map<String, String> environment() throws IOException {
    Map<String, String> env = new HashMap<>(System.getenv());
    put(env, "MODEL_URI", model);
    put(env, "MODEL_SHA256", sha256);
    put(env, "PORT", port);
    put(env, "GRPC_PORT", grpcPort);
    put(env, "HOST", host);
    put(env, "MAX_BODY_BYTES", maxBodyBytes);
    put(env, "MONITORING_ENABLED", monitoring);
    put(env, "RATE_LIMIT_RPS", rateLimit);
    put(env, "REQUEST_BODY_TIMEOUT", bodyTimeout);
    put(env, "REQUEST_BODY_MIN_RATE", bodyMinRate);
    put(env, "PREDICTION_CACHE_SIZE", cacheSize);
    put(env, "PREDICTION_LOG", predictionLog);
    if (authTokenFile != null) {
      String token = Files.readString(authTokenFile).trim();
      if (token.isEmpty()) {
        throw new IllegalArgumentException(
            "--auth-token-file "
                + authTokenFile
                + " is empty; put the token in it,"
                + " or leave the flag out to serve without auth");
      }
      env.put("AUTH_TOKEN", token);
    }
    return env;
  }

  private static void put(Map<String, String> env, String name, Object value) {
    if (value != null) {
      env.put(name, value.toString());
    }
  }
}
