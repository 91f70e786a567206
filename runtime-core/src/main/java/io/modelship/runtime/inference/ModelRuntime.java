package io.modelship.runtime.inference;

import io.modelship.runtime.format.ModelPackageException;
import io.modelship.runtime.model.ModelPackage;
import io.modelship.runtime.monitoring.RequestMetrics;
import io.modelship.runtime.server.ServeConfig;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model this process serves and where it stands: loading, ready, failed (with the reason, for
 * {@code /ready} and the runtime report) or draining for shutdown.
 */
public final class ModelRuntime {

    private static final Logger LOG = LoggerFactory.getLogger(ModelRuntime.class);

    private final ServeConfig config;
    private final RequestMetrics metrics;
    private final Instant started = Instant.now();
    private volatile InferenceService service;
    private volatile String loadError;
    private volatile boolean draining;

    public ModelRuntime(ServeConfig config, RequestMetrics metrics) {
        this.config = config;
        this.metrics = metrics;
    }

    /** Loads the configured package; a failure is recorded, never thrown, so the server keeps answering. */
    public void load() {
        long start = System.nanoTime();
        try {
            ModelPackage model = ModelPackage.load(config.modelUri(), config.modelSha256(),
                    ModelPackage.LoadOptions.of(config.pvcRoot(), config.workDir(), config.maxDownloadBytes()));
            service = new InferenceService(model, config, metrics.registry());
            LOG.info("loaded model {} version {} ({}) in {} ms", model.manifest().name(), model.manifest().version(),
                    model.manifest().algorithm(), (System.nanoTime() - start) / 1_000_000);
        } catch (ModelPackageException | IllegalArgumentException | UncheckedIOException e) {
            loadError = e.getMessage();
            LOG.error("cannot load model from {}: {}", config.modelUri(), e.getMessage());
        } catch (RuntimeException | Error e) {
            // OutOfMemoryError on a model too big for the pod's limit, linkage errors...: say so in
            // /ready and the report instead of leaving "loading" forever.
            loadError = e.toString();
            LOG.error("cannot load model from {}", config.modelUri(), e);
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
        return service != null && !draining;
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
            return null;
        }
        String error = loadError;
        return error == null ? "model is loading" : "model failed to load: " + error;
    }

    /** Why loading failed, or null (for runtime reports). */
    public String loadError() {
        return loadError;
    }

    public void startDraining() {
        draining = true;
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
