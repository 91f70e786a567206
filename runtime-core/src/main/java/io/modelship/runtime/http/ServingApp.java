package io.modelship.runtime.http;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpResponseException;
import io.modelship.runtime.inference.ModelRuntime;
import io.modelship.runtime.inference.RequestException;
import io.modelship.runtime.monitoring.RequestMetrics;
import io.modelship.runtime.report.RuntimeReportSnapshot;
import io.modelship.runtime.report.RuntimeReporter;
import io.modelship.runtime.server.ServeConfig;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * The serving runtime's HTTP server: every route declared here, each wrapped so that it is timed,
 * counted and turns any failure into a JSON error without touching the statistics of good requests.
 */
public final class ServingApp implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ServingApp.class);
  static final String VERSION = "0.1.0";

  private final ModelRuntime runtime;
  private final AccessControl access;
  private final AtomicInteger inFlight = new AtomicInteger();

  /**
   * Jetty's request threads (Javalin's default); {@link FrontHandlers} keeps some for the probes.
   */
  private static final int MAX_THREADS = 250;

  private final CountDownLatch stopRequested = new CountDownLatch(1);
  private final Dashboard dashboard;
  private Javalin app;
  private volatile RuntimeReporter reporter;

  /** Servers beside the HTTP one (gRPC), stopped with it after the drain. */
  private final java.util.List<AutoCloseable> alongside =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  public ServingApp(ServeConfig config) {
    this.runtime = new ModelRuntime(config, new RequestMetrics(config.monitoring()));
    this.access = new AccessControl(config.authToken(), config.rateLimitPerSecond());
    this.dashboard = Dashboard.fromResource();
  }

  /**
   * Starts listening at once ({@code /health} answers), loads the model in the background and, in a
   * ModelDeployment's pod, starts reporting to its status through the client {@code kubernetes}
   * makes (asked for only when reporting is configured).
   */
  public ServingApp start(Supplier<KubernetesClient> kubernetes) {
    ServeConfig config = runtime.config();
    // Loading (manifest, checksum, deserialisation) runs while Javalin and Jetty are built and
    // started: on two cores that overlap is most of a cold start.
    reporter =
        RuntimeReporter.forDeployment(
                config.reporting(),
                kubernetes,
                () -> RuntimeReportSnapshot.countsOnly(RuntimeReportSnapshot.of(runtime)))
            .map(
                r ->
                    r.withReference(
                        config.reporting().modelDeploymentUid(),
                        () -> RuntimeReportSnapshot.reference(runtime)))
            .orElse(null);
    RuntimeReporter reporting = reporter;
    runtime.listeningOn(config.port());
    Thread.ofPlatform()
        .name("model-loader")
        .start(
            () -> {
              runtime.load();
              // The first report as the pod turns ready (or fails to load), not one interval later.
              if (reporting != null) {
                reporting.reportSoon();
              }
            });
    listen();
    if (reporter != null) {
      reporter.start();
    }
    return this;
  }

  /** Loads the model before listening; for tests and batch tools that want a ready server. */
  public ServingApp startReady() {
    runtime.listeningOn(runtime.config().port());
    runtime.load();
    listen();
    return this;
  }

  private void listen() {
    ServeConfig config = runtime.config();
    app = Javalin.create(this::configure).start(config.host(), config.port());
    runtime.listeningOn(app.port());
  }

  public int port() {
    return app.port();
  }

  public ModelRuntime runtime() {
    return runtime;
  }

  /** The same token check and rate limit as the HTTP routes, for another transport (gRPC). */
  public AccessGate accessGate() {
    return new AccessGate(access);
  }

  /**
   * Stops {@code server} with this one: after the shutdown delay and the drain, before the HTTP
   * server stops.
   */
  public void stopAlongside(AutoCloseable server) {
    alongside.add(server);
  }

  /**
   * Keeps {@code /ready} at 503 ("{@code server} is starting") until the returned action runs: for
   * a server beside this one (gRPC) that must listen before a Service sends the pod traffic. The
   * action sends the runtime report at once if that makes the pod ready.
   */
  public Runnable readyOnceStarted(String server) {
    runtime.starting(server);
    return () -> {
      runtime.started(server);
      RuntimeReporter reporting = reporter;
      if (reporting != null && runtime.ready()) {
        reporting.reportSoon();
      }
    };
  }

  /** Whether any request is in flight on the HTTP server or a server beside it. */
  public AtomicInteger inFlight() {
    return inFlight;
  }

  private void configure(JavalinConfig config) {
    ServeConfig serve = runtime.config();
    config.startup.showJavalinBanner = false;
    config.startup.showOldJavalinVersionWarning = false;
    config.concurrency.useVirtualThreads = serve.virtualThreads();
    if (!serve.virtualThreads()) {
      QueuedThreadPool pool = new QueuedThreadPool(MAX_THREADS, 8, 60_000);
      pool.setName("JettyServerThreadPool");
      config.jetty.threadPool = pool;
    }
    config.jetty.modifyServer(
        server -> server.setHandler(FrontHandlers.forServer(serve, MAX_THREADS, access)));
    config.http.maxRequestSize = serve.maxBodyBytes();
    config.http.generateEtags = false;
    config.http.prefer405over404 = true;
    config.router.ignoreTrailingSlashes = true;

    PredictController predict = new PredictController(runtime);
    KServeV1Controller kserve = new KServeV1Controller(runtime);
    OpenInferenceController oip = new OpenInferenceController(runtime, VERSION);
    MonitoringController monitoring = new MonitoringController(runtime);

    Routes routes = new Routes(config.routes);
    routes.get("/health", route("health", ctx -> JsonIo.ok(ctx, Map.of("status", "UP"))));
    routes.get("/ready", route("ready", this::ready));
    routes.post("/predict", inference("predict", predict::predict));
    routes.post("/predict_batch", inference("predict_batch", predict::predictBatch));
    routes.get("/model_info", route("model_info", monitoring::modelInfo));
    routes.post("/feedback", route("feedback", monitoring::feedback));
    routes.post(
        io.modelship.runtime.sink.LabelForwarder.PATH,
        route("feedback_forwarded", monitoring::forwardedLabels));
    routes.get("/drift", route("drift", monitoring::drift));
    routes.get("/metrics", route("metrics", monitoring::metrics));
    routes.get("/", route("dashboard", dashboard::serve));

    routes.get("/v1/models/{name}", route("v1_model", kserve::status));
    routes.post("/v1/models/{target}", inference("v1_predict", kserve::predict));

    routes.get("/v2", route("v2_server", oip::serverMetadata));
    routes.get("/v2/health/live", route("v2_live", oip::live));
    routes.get("/v2/health/ready", route("v2_ready", oip::ready));
    routes.get("/v2/models/{name}", route("v2_model", oip::modelMetadata));
    routes.get("/v2/models/{name}/versions/{version}", route("v2_model", oip::modelMetadata));
    routes.get("/v2/models/{name}/ready", route("v2_model_ready", oip::modelReady));
    routes.get(
        "/v2/models/{name}/versions/{version}/ready", route("v2_model_ready", oip::modelReady));
    routes.post("/v2/models/{name}/infer", inference("v2_infer", oip::infer));
    routes.post("/v2/models/{name}/versions/{version}/infer", inference("v2_infer", oip::infer));
    routes.declareOptions(name -> route(name, ctx -> ctx.status(204)));

    // Requests that match no route (404, 405) still get a JSON error and are counted.
    config.routes.exception(
        HttpResponseException.class,
        (e, ctx) -> {
          closeIfBodyUnread(ctx);
          JsonIo.error(ctx, e.getStatus(), e.getMessage());
          runtime.metrics().record("unmatched", e.getStatus(), 0, false);
        });
    config.routes.exception(
        JsonIo.ClientGone.class,
        (e, ctx) ->
            LOG.debug(
                "{} {}: {} ({})",
                ctx.method(),
                ctx.path(),
                e.getMessage(),
                e.getCause().toString()));
    config.routes.exception(
        Exception.class,
        (e, ctx) -> {
          LOG.error("unhandled error on {} {}", ctx.method(), ctx.path(), e);
          closeIfBodyUnread(ctx);
          JsonIo.error(ctx, 500, "internal error: " + e.getClass().getSimpleName());
        });
  }

  /**
   * Declares routes: a GET route also answers HEAD, and every path answers OPTIONS, each through
   * the same wrapper as the route (auth, rate limit, metrics) instead of Javalin's built-in
   * answers.
   */
  private static final class Routes {
    private final RoutesConfig routes;

    /**
     * Path pattern (parameters unnamed) → its first path, the first route's name, the methods
     * allowed.
     */
    private final Map<String, Allowed> allowed = new LinkedHashMap<>();

    private record Allowed(String path, String name, Set<String> methods) {}

    Routes(RoutesConfig routes) {
      this.routes = routes;
    }

    void get(String path, Handler handler) {
      routes.get(path, handler);
      routes.head(path, handler);
      allow(path, handler, "GET", "HEAD");
    }

    void post(String path, Handler handler) {
      routes.post(path, handler);
      allow(path, handler, "POST");
    }

    private void allow(String path, Handler handler, String... methods) {
      allowed
          .computeIfAbsent(
              path.replaceAll("\\{[^}]*}", "{}"),
              pattern -> new Allowed(path, ((Wrapped) handler).name(), new TreeSet<>()))
          .methods()
          .addAll(List.of(methods));
    }

    /** OPTIONS on each path: 204 with {@code Allow}, after the same checks as its other methods. */
    void declareOptions(Function<String, Handler> answer) {
      allowed
          .values()
          .forEach(
              route -> {
                String allow = String.join(", ", route.methods()) + ", OPTIONS";
                Handler inner = answer.apply(route.name());
                routes.options(
                    route.path(),
                    ctx -> {
                      ctx.header("Allow", allow);
                      inner.handle(ctx);
                    });
              });
    }
  }

  private void ready(Context ctx) {
    String reason = runtime.notReadyReason();
    if (reason != null) {
      throw RequestException.notReady(reason);
    }
    JsonIo.ok(ctx, Map.of("status", "READY"));
  }

  /**
   * A prediction route: its requests are the traffic counted in live statistics and runtime
   * reports.
   */
  private Handler inference(String name, Handler handler) {
    return wrap(name, true, handler);
  }

  /** Any other route (probes, metrics, dashboard, metadata): counted in Prometheus only. */
  private Handler route(String name, Handler handler) {
    return wrap(name, false, handler);
  }

  /** Times and counts a handler; any failure becomes {@code {"error": …}} with the right status. */
  private Handler wrap(String name, boolean traffic, Handler handler) {
    return new Wrapped(
        name,
        ctx -> {
          long start = System.nanoTime();
          inFlight.incrementAndGet();
          boolean[] recorded = {false};
          ctx.attribute(
              JsonIo.BEFORE_ANSWER,
              (Runnable)
                  () -> {
                    if (!recorded[0]) {
                      recorded[0] = true;
                      runtime
                          .metrics()
                          .record(name, ctx.statusCode(), System.nanoTime() - start, traffic);
                    }
                  });
          try {
            if (access.enabled()) {
              access.check(ctx);
            }
            handler.handle(ctx);
          } catch (RequestException e) {
            closeIfBodyUnread(ctx);
            JsonIo.error(ctx, HttpError.statusOf(e.reason()), e.getMessage());
          } catch (HttpError e) {
            closeIfBodyUnread(ctx);
            JsonIo.error(ctx, e.status(), e.getMessage());
          } catch (HttpResponseException e) {
            closeIfBodyUnread(ctx);
            JsonIo.error(
                ctx,
                e.getStatus(),
                e.getStatus() == 413
                    ? "request body is larger than the limit of "
                        + runtime.config().maxBodyBytes()
                        + " bytes"
                    : e.getMessage());
          } catch (JsonIo.ClientGone e) {
            throw e;
          } catch (RuntimeException e) {
            LOG.error("error serving {} {}", ctx.method(), ctx.path(), e);
            closeIfBodyUnread(ctx);
            JsonIo.error(ctx, 500, "internal error: " + e.getClass().getSimpleName());
          } finally {
            JsonIo.release(ctx);
            inFlight.decrementAndGet();
            if (!recorded[0]) { // answers not written by JsonIo (dashboard, metrics text, OPTIONS)
              runtime.metrics().record(name, ctx.statusCode(), System.nanoTime() - start, traffic);
            }
          }
        });
  }

  /** A route's handler as wrapped, with the route's name (the metrics' endpoint label). */
  private record Wrapped(String name, Handler handler) implements Handler {
    @Override
    public void handle(Context ctx) throws Exception {
      handler.handle(ctx);
    }
  }

  /**
   * An answer given before the request's body was read to its end closes the connection at once:
   * reading the rest first (to keep the connection) would let a slow client hold this thread.
   */
  private static void closeIfBodyUnread(Context ctx) {
    if (JsonIo.bodyUnread(ctx)) {
      ctx.header("Connection", "close");
    }
  }

  /**
   * From now on SIGTERM and Ctrl-C ask this app to stop, and {@link #awaitShutdown()} stops it
   * gracefully and returns, so the command ends with status 0: a JVM ended by the signal itself
   * exits 143 (130), which a kubelet records as the container's failure. Called before {@link
   * #start}, so a signal that comes while the server starts (building the Kubernetes client takes
   * seconds on a small CPU share) is not lost either.
   */
  public ServingApp handleStopSignals() {
    for (String name : new String[] {"TERM", "INT"}) {
      try {
        Signal.handle(new Signal(name), signal -> stopRequested.countDown());
      } catch (IllegalArgumentException e) {
        LOG.debug(
            "SIG{} is not ours to handle ({}); the shutdown hook stops the server",
            name,
            e.getMessage());
      }
    }
    return this;
  }

  /**
   * Blocks until SIGTERM or Ctrl-C (see {@link #handleStopSignals()}), then stops gracefully (see
   * {@link #close()}). Any other exit of the JVM still stops the server through a shutdown hook.
   */
  public void awaitShutdown() throws InterruptedException {
    AtomicBoolean closed = new AtomicBoolean();
    Runnable stop =
        () -> {
          if (closed.compareAndSet(false, true)) {
            close();
          }
        };
    Thread hook = new Thread(stop, "shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    handleStopSignals();
    stopRequested.await();
    stop.run();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // the JVM is exiting already; the hook finds the server closed
    }
  }

  /**
   * Graceful stop for SIGTERM: readiness fails first and the server keeps serving for the shutdown
   * delay (so Kubernetes can take the pod out of its Services), then requests in flight finish (up
   * to the drain timeout), then the server stops.
   */
  @Override
  public void close() {
    runtime.startDraining();
    LOG.info("shutting down: readiness is now 503");
    if (reporter != null) {
      reporter.finalReport(
          RuntimeReporter.FINAL_REPORT_TIMEOUT); // tell the operator at once, bounded
    }
    sleep(runtime.config().shutdownDelay().toMillis());
    long deadline = System.nanoTime() + runtime.config().drainTimeout().toNanos();
    while (inFlight.get() > 0 && System.nanoTime() < deadline) {
      sleep(20);
    }
    for (AutoCloseable server : alongside) {
      try {
        server.close();
      } catch (Exception e) {
        LOG.warn("stopping {} failed: {}", server, e.toString());
      }
    }
    if (app != null) {
      app.stop();
    }
    if (reporter != null) {
      reporter.close();
    }
    LOG.info("stopped");
    var service = runtime.serviceOrNull();
    if (service != null) {
      try {
        service.close();
      } catch (IOException e) {
        LOG.warn("closing the prediction log failed: {}", e.getMessage());
      }
    }
  }

  private static void sleep(long millis) {
    try {
      TimeUnit.MILLISECONDS.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
