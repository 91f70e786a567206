package io.modelship.runtime.inference;

import io.modelship.api.runtime.UriRedaction;
import io.modelship.runtime.format.ModelPackageException;
import io.modelship.runtime.model.ModelPackage;
import io.modelship.runtime.monitoring.RequestMetrics;
import io.modelship.runtime.server.ServeConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model this process serves and where it stands: loading, ready, failed (with the reason, for
 * {@code /ready} and the runtime report) or draining for shutdown.
 */
public final class ModelRuntime {

  private static final Logger LOG = LoggerFactory.getLogger(ModelRuntime.class);

  /** How long a timed-out load may take to stop once interrupted. */
  static final Duration STOP_GRACE = Duration.ofSeconds(10);

  /** The exit status of a process whose timed-out model load would not stop. */
  public static final int EXIT_LOAD_STUCK = 70;

  private final ServeConfig config;
  private final RequestMetrics metrics;
  private final Instant started = Instant.now();
  private volatile InferenceService service;

  /** Where other replicas reach this process's HTTP server: POD_IP and the port, once known. */
  private volatile java.net.InetSocketAddress home;

  private volatile String loadError;
  private volatile boolean draining;
  private volatile boolean timedOut;

  /** Servers beside the HTTP one that must listen before the pod is ready (gRPC). */
  private final Set<String> starting = ConcurrentHashMap.newKeySet();

  public ModelRuntime(ServeConfig config, RequestMetrics metrics) {
    this.config = config;
    this.metrics = metrics;
  }

  /**
   * Loads the configured package within {@code MODEL_LOAD_TIMEOUT}; a failure (or the deadline) is
   * recorded for {@code /ready} and the runtime report, never thrown, so the server keeps
   * answering. Leftovers of earlier runs in the scratch folder are removed first.
   */
  public void load() {
    Duration timeout = config.modelLoadTimeout();
    Thread loader = Thread.ofVirtual().name("model-load").start(this::loadNow);
    try {
      if (!loader.join(timeout)) {
        loadError =
            "loading took longer than MODEL_LOAD_TIMEOUT (" + timeout.toSeconds() + " s); gave up";
        LOG.error(
            "cannot load model from {}: {}", UriRedaction.redact(config.modelUri()), loadError);
        timedOut = true;
        loader.interrupt();
        if (!loader.join(STOP_GRACE)) {
          // Deserialisation does not heed interrupts: a load that keeps burning a core after
          // its deadline ends the process, so the pod restarts with the reason in its log.
          LOG.error(
              "the model load is still running {} s after MODEL_LOAD_TIMEOUT and cannot be stopped;"
                  + " exiting",
              STOP_GRACE.toSeconds());
          System.exit(EXIT_LOAD_STUCK);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      loader.interrupt();
    }
  }

  private void loadNow() {
    long start = System.nanoTime();
    String uri = UriRedaction.redact(config.modelUri());
    try {
      int removed = ModelPackage.removeLeftovers(config.workDir());
      if (removed > 0) {
        LOG.info("removed {} leftover(s) of earlier runs from {}", removed, config.workDir());
      }
      ModelPackage model =
          ModelPackage.load(
              config.modelUri(),
              config.modelSha256(),
              ModelPackage.LoadOptions.of(
                  config.pvcRoot(),
                  config.workDir(),
                  config.maxDownloadBytes(),
                  config.crossHostRedirects()));
      InferenceService loaded = new InferenceService(model, config, metrics.registry(), () -> home);
      if (timedOut) { // too late: /ready already says why, and stays so
        try {
          loaded.close();
        } catch (IOException e) {
          LOG.warn("cannot close the late model: {}", e.toString());
        }
        return;
      }
      metrics.serving(model.manifest().name(), model.manifest().version());
      service = loaded;
      LOG.info(
          "loaded model {} version {} ({}) in {} ms",
          model.manifest().name(),
          model.manifest().version(),
          model.manifest().algorithm(),
          (System.nanoTime() - start) / 1_000_000);
    } catch (ModelPackageException | IllegalArgumentException | UncheckedIOException e) {
      if (timedOut) {
        return;
      }
      loadError = UriRedaction.scrub(e.getMessage(), config.modelUri());
      LOG.error("cannot load model from {}: {}", uri, loadError);
    } catch (RuntimeException | Error e) {
      // OutOfMemoryError on a model too big for the pod's limit, linkage errors...: say so in
      // /ready and the report instead of leaving "loading" forever.
      if (timedOut) {
        return;
      }
      loadError = UriRedaction.scrub(e.toString(), config.modelUri());
      LOG.error("cannot load model from {}: {}", uri, loadError);
    }
  }

  /**
   * The HTTP port this process listens on, with POD_IP the address other replicas reach it at
   * (nothing without POD_IP, or for port 0, which is no address).
   */
  public void listeningOn(int port) {
    if (config.podIp() == null || port <= 0) {
      return;
    }
    try {
      home = new java.net.InetSocketAddress(java.net.InetAddress.ofLiteral(config.podIp()), port);
    } catch (IllegalArgumentException e) {
      LOG.warn(
          "POD_IP '{}' is not an IP address; labels other replicas receive for this pod's"
              + " predictions cannot be handed back to it",
          config.podIp());
    }
  }

  /** The loaded model, or a 503 naming why there is none. */
  public InferenceService require() {
    InferenceService s = service;
    if (s == null) {
      throw RequestException.notReady(notReadyReason());
    }
    return s;
  }

  public InferenceService serviceOrNull() {
    return service;
  }

  public boolean ready() {
    return service != null && !draining && starting.isEmpty();
  }

  public boolean loaded() {
    return service != null;
  }

  /** Why {@code /ready} is not 200, or null when it is. */
  public String notReadyReason() {
    if (draining) {
      return "shutting down";
    }
    if (service != null) {
      return starting.stream().findFirst().map(server -> server + " is starting").orElse(null);
    }
    String error = loadError;
    return error == null ? "model is loading" : "model failed to load: " + error;
  }

  /** Why loading failed, or null (for runtime reports). */
  public String loadError() {
    return loadError;
  }

  /**
   * Keeps {@link #ready()} false ({@code /ready}: "{@code server} is starting") until {@link
   * #started(String)}: for a server beside the HTTP one that a ready pod must answer on.
   */
  public void starting(String server) {
    starting.add(server);
  }

  /** {@code server}, held by {@link #starting(String)}, listens now. */
  public void started(String server) {
    starting.remove(server);
  }

  public void startDraining() {
    draining = true;
  }

  /** When this process started serving: the zero of every counter it reports. */
  public Instant startedAt() {
    return started;
  }

  public long uptimeSeconds() {
    return Duration.between(started, Instant.now()).toSeconds();
  }

  public ServeConfig config() {
    return config;
  }

  public RequestMetrics metrics() {
    return metrics;
  }
}
