package io.modelship.runtime.inference;

import io.micrometer.core.instrument.MeterRegistry;
import io.modelship.drift.DriftReport;
import io.modelship.drift.DriftThresholds;
import io.modelship.drift.ReferenceBins;
import io.modelship.runtime.format.LoadedModel;
import io.modelship.runtime.format.Predictions;
import io.modelship.runtime.model.ModelManifest;
import io.modelship.runtime.model.ModelPackage;
import io.modelship.runtime.monitoring.AccuracySnapshot;
import io.modelship.runtime.monitoring.AccuracyTracker;
import io.modelship.runtime.monitoring.DriftMonitor;
import io.modelship.runtime.monitoring.DriftWindow;
import io.modelship.runtime.monitoring.ErrorSnapshot;
import io.modelship.runtime.monitoring.ErrorTotals;
import io.modelship.runtime.monitoring.ErrorTracker;
import io.modelship.runtime.monitoring.FeedbackResult;
import io.modelship.runtime.monitoring.ValueFeedback;
import io.modelship.runtime.server.ServeConfig;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Predictions for one loaded model, with everything that watches them: counts ({@link
 * PredictionCounts}), drift over a window of recent rows, remembered predictions for ground-truth
 * feedback (accuracy or error), the optional cache and prediction log, request ids ({@link
 * RequestIds}), gauges ({@link ServiceGauges}). Every protocol calls this; how answers look as JSON
 * is the HTTP layer's business.
 */
public final class InferenceService implements AutoCloseable {

  /**
   * One row's outcome: a class and its probabilities, or for a regressor a value (classIndex -1).
   */
  public record Prediction(
      int classIndex, double[] probabilities, double value, String requestId) {}

  private final ModelPackage model;
  private final LoadedModel predictor;
  private final List<String> labels;
  private final FeatureRows rows;
  private final DriftMonitor drift;
  private final AccuracyTracker accuracy;
  private final boolean regression;

  /**
   * Regression: the reference quantile bins of the predicted values, which prediction drift counts
   * in.
   */
  private final ReferenceBins predictionBins;

  private final ErrorTracker errors;
  private final PredictionCache cache;
  private final PredictionLog log;
  private final PredictionCounts counts;
  private final RequestIds ids;

  /**
   * With spec.retraining.data.sink: the rows' features until their feedback comes, and where
   * labelled rows go.
   */
  private final io.modelship.runtime.sink.FeatureMemory features;

  private final io.modelship.runtime.sink.LabelledRowSink sink;

  /**
   * With a sink and a signing key: hands labels for other replicas' rows to them (they hold the
   * features).
   */
  private final io.modelship.runtime.sink.LabelForwarder forwarder;

  /** Labels whose row's features were overwritten by newer predictions before the label came. */
  private final java.util.concurrent.atomic.AtomicLong rowsForgotten =
      new java.util.concurrent.atomic.AtomicLong();

  private volatile DriftReport lastDrift;

  public InferenceService(ModelPackage model, ServeConfig config, MeterRegistry registry) {
    this(model, config, registry, () -> null);
  }

  /**
   * @param home where this process answers other replicas (POD_IP and the HTTP port), once known;
   *     with a retraining sink, request ids carry it so a label another replica receives comes back
   *     here, where the row's features are
   */
  public InferenceService(
      ModelPackage model,
      ServeConfig config,
      MeterRegistry registry,
      java.util.function.Supplier<java.net.InetSocketAddress> home) {
    this.model = model;
    boolean keepsRows = config.retrainingSink() != null && config.monitoring();
    this.ids =
        new RequestIds(
            config.feedbackSigningKey(),
            model.manifest().version(),
            config.rememberedPredictions(),
            keepsRows ? home : () -> null);
    this.predictor = model.model();
    ModelManifest manifest = model.manifest();
    this.labels = manifest.labels() == null ? List.of() : List.copyOf(manifest.labels());
    this.rows = new FeatureRows(model.featureNames(), config.maxBatchRows());
    this.regression = manifest.regression();
    ModelManifest.Bins bins =
        manifest.reference() == null ? null : manifest.reference().predictionBins();
    this.predictionBins =
        regression && bins != null ? new ReferenceBins(bins.edges(), bins.fractions()) : null;
    this.drift = config.monitoring() ? driftMonitor(manifest, config) : null;
    ModelManifest.TrainingMetrics metrics = manifest.metrics();
    Double a0 = metrics == null ? null : metrics.holdoutAccuracy();
    this.accuracy =
        config.monitoring() && !regression
            ? new AccuracyTracker(
                a0 == null ? Double.NaN : a0,
                config.accuracyMaxDrop(),
                config.rememberedPredictions(),
                AccuracyTracker.DEFAULT_WINDOW_SIZE,
                config.accuracyMinSamples())
            : null;
    this.errors =
        config.monitoring() && regression
            ? new ErrorTracker(
                metrics == null || metrics.mae() == null ? Double.NaN : metrics.mae(),
                metrics == null || metrics.rmse() == null ? Double.NaN : metrics.rmse(),
                config.accuracyMaxDrop(),
                config.rememberedPredictions(),
                AccuracyTracker.DEFAULT_WINDOW_SIZE,
                config.accuracyMinSamples())
            : null;
    this.cache = config.cacheSize() > 0 ? new PredictionCache(config.cacheSize()) : null;
    this.log =
        config.predictionLog() != null
            ? new PredictionLog(config.predictionLog(), config.predictionLogSampleRate())
            : null;
    this.counts =
        new PredictionCounts(
            labels, manifest.name(), manifest.version(), registry, config.monitoring());
    ServiceGauges.register(this, registry, config.driftThreshold());
    if (keepsRows) {
      this.features =
          new io.modelship.runtime.sink.FeatureMemory(
              model.featureNames().size(), config.rememberedPredictions());
      this.sink =
          io.modelship.runtime.sink.LabelledRowSink.open(
                  config.retrainingSink(),
                  model.featureNames(),
                  manifest.version(),
                  config.reporting().podName())
              .register(registry);
      this.forwarder =
          config.feedbackSigningKey() == null
              ? null
              : new io.modelship.runtime.sink.LabelForwarder(config.feedbackSigningKey(), home)
                  .register(registry);
      io.micrometer.core.instrument.FunctionCounter.builder(
              "modelship_retraining_sink_rows",
              rowsForgotten,
              java.util.concurrent.atomic.AtomicLong::get)
          .description(
              "Labelled rows lost because newer predictions had overwritten their features"
                  + " (FEEDBACK_REMEMBERED_PREDICTIONS) before the label came")
          .tag("outcome", "forgotten")
          .register(registry);
    } else {
      this.features = null;
      this.sink = null;
      this.forwarder = null;
    }
  }

  /**
   * Labelled rows lost on their way to the sink, each counted once across the replicas: the sink
   * dropped them, their features were forgotten here, or this pod could not hand a label to the
   * replica that predicted the row. 0 without a sink.
   */
  public long rowsLost() {
    if (sink == null) {
      return 0;
    }
    return sink.rowsDropped()
        + rowsForgotten.get()
        + (forwarder == null ? 0 : forwarder.unreachable());
  }

  /** The retraining sink, or null when spec.retraining.data.sink is unset. */
  public io.modelship.runtime.sink.LabelledRowSink sink() {
    return sink;
  }

  private static DriftMonitor driftMonitor(ModelManifest manifest, ServeConfig config) {
    ModelManifest.Reference reference = manifest.reference();
    if (reference == null
        || reference.features() == null
        || (manifest.regression()
            ? reference.predictionBins() == null
            : reference.predictions() == null)) {
      return null;
    }
    List<String> names = new ArrayList<>();
    List<ReferenceBins> bins = new ArrayList<>();
    for (ModelManifest.Feature feature : manifest.features()) {
      ModelManifest.Bins b = reference.features().get(feature.name());
      if (b == null) {
        return null;
      }
      names.add(feature.name());
      bins.add(new ReferenceBins(b.edges(), b.fractions()));
    }
    double[] predictions =
        manifest.regression()
            ? reference.predictionBins().fractions()
            : manifest.labels().stream()
                .mapToDouble(label -> reference.predictions().getOrDefault(label, 0.0))
                .toArray();
    return new DriftMonitor(
        names,
        bins,
        predictions,
        config.driftWindowSize(),
        new DriftThresholds(config.driftWarning(), config.driftThreshold()),
        config.driftMethod(),
        config.driftMinSamples());
  }

  public ModelPackage model() {
    return model;
  }

  public ModelManifest manifest() {
    return model.manifest();
  }

  public List<String> labels() {
    return labels;
  }

  public FeatureRows rows() {
    return rows;
  }

  public boolean regression() {
    return regression;
  }

  /** Regression: the edges of the reference bins of predicted values (null for a classifier). */
  public double[] predictionEdges() {
    return predictionBins == null ? null : predictionBins.edges();
  }

  /**
   * Predicts validated rows (one call into the model for the whole batch) and records them for
   * monitoring; every prediction carries its request id, which feedback names it by.
   */
  public Prediction[] predict(double[][] batch) {
    return predict(batch, true);
  }

  /**
   * As {@link #predict}, for a protocol whose answer carries no request ids (gRPC's ModelInfer):
   * the rows are counted, watched for drift, logged and remembered just the same, and take their
   * sequence numbers, but no id is written or signed for them (a sampled log line still gets one).
   */
  public Prediction[] predictWithoutIds(double[][] batch) {
    return predict(batch, false);
  }

  /**
   * The batch's monitoring is done batch-wise — one block of sequence numbers, one lock each for
   * the drift window and the remembered predictions, counters moved once per class — with the same
   * results as recording row by row; a 1000-row batch spent most of its CPU there.
   */
  private Prediction[] predict(double[][] batch, boolean withIds) {
    Predictions p = cache == null ? predictor.predict(batch) : predictThroughCache(batch);
    int n = batch.length;
    long first = ids.nextSequences(n);
    Prediction[] out = new Prediction[n];
    if (features != null) {
      features.rememberAll(first, batch);
    }
    if (regression) {
      double[] values = p.values();
      counts.recordValues(n);
      if (drift != null && predictionBins != null) {
        int[] bins = new int[n];
        for (int i = 0; i < n; i++) {
          bins[i] = predictionBins.binOf(values[i]);
        }
        drift.recordAll(batch, bins);
      }
      if (errors != null) {
        errors.rememberAll(first, values);
      }
      for (int i = 0; i < n; i++) {
        boolean logged = log != null && log.sampled();
        String id = withIds || logged ? ids.forValue(first + i, values[i]) : null;
        if (logged) {
          log.write(id, batch[i], values[i], null);
        }
        out[i] = new Prediction(-1, null, values[i], id);
      }
      return out;
    }
    int[] classes = p.classIndex();
    double[][] probabilities = p.probabilities();
    counts.recordClasses(classes, probabilities);
    if (drift != null) {
      drift.recordAll(batch, classes);
    }
    if (accuracy != null) {
      accuracy.rememberAll(first, classes);
    }
    for (int i = 0; i < n; i++) {
      int k = classes[i];
      boolean logged = log != null && log.sampled();
      String id = withIds || logged ? ids.forClass(first + i, k) : null;
      if (logged) {
        log.write(id, batch[i], labels.get(k), probabilities[i][k]);
      }
      out[i] = new Prediction(k, probabilities[i], Double.NaN, id);
    }
    return out;
  }

  /** Looks every row up in the cache and asks the model for the misses only, in one batch. */
  private Predictions predictThroughCache(double[][] batch) {
    int misses = 0;
    int[] missing = new int[batch.length];
    PredictionCache.Cached[] hits = new PredictionCache.Cached[batch.length];
    for (int i = 0; i < batch.length; i++) {
      hits[i] = cache.get(batch[i]);
      if (hits[i] == null) {
        missing[misses++] = i;
      }
    }
    if (misses > 0) {
      double[][] rows = new double[misses][];
      for (int m = 0; m < misses; m++) {
        rows[m] = batch[missing[m]];
      }
      Predictions p = predictor.predict(rows);
      for (int m = 0; m < misses; m++) {
        PredictionCache.Cached c =
            regression
                ? PredictionCache.Cached.value(p.values()[m])
                : new PredictionCache.Cached(p.classIndex()[m], p.probabilities()[m].clone());
        hits[missing[m]] = c;
        cache.put(rows[m], c);
      }
    }
    if (regression) {
      double[] values = new double[batch.length];
      for (int i = 0; i < batch.length; i++) {
        values[i] = hits[i].value();
      }
      return Predictions.values(values);
    }
    int[] classes = new int[batch.length];
    double[][] probabilities = new double[batch.length][];
    for (int i = 0; i < batch.length; i++) {
      classes[i] = hits[i].classIndex();
      probabilities[i] = hits[i].probabilities().clone();
    }
    return Predictions.classes(classes, probabilities);
  }

  /** Scores the drift window now (and keeps the result for the metrics gauges). */
  public DriftReport driftReport() {
    if (drift == null) {
      return null;
    }
    DriftReport report = drift.report();
    lastDrift = report;
    return report;
  }

  /** The drift window's raw counts, which the operator merges across pods. */
  public DriftWindow driftWindow() {
    return drift == null ? null : drift.window();
  }

  public DriftMonitor driftMonitor() {
    return drift;
  }

  DriftReport cachedDrift() {
    DriftReport report = lastDrift;
    return report != null ? report : driftReport();
  }

  /**
   * Ground truth for an earlier request id. Ids from this process are checked against the
   * remembered predictions (so repeats count once); ids from another replica carry their predicted
   * class and are scored from it; anything else is unknown.
   */
  public FeedbackResult feedback(String requestId, String label) {
    if (accuracy == null) {
      return null;
    }
    int trueClass = labels.indexOf(label);
    if (trueClass < 0) {
      throw new IllegalArgumentException("unknown label '" + label + "'");
    }
    RequestIds.Parsed id = trusted(ids.parse(requestId, labels.size()), requestId);
    if (id == null || id.predictedClass() < 0) {
      return accuracy.unknownRequest();
    }
    if (id.local()) {
      FeedbackResult result = accuracy.feedback(id.sequence(), trueClass);
      if (result.outcome() == FeedbackResult.Outcome.Recorded) {
        keep(id.sequence(), labels.get(result.predictedClass()), label);
      }
      return result;
    }
    if (!ids.firstFeedbackFor(requestId)) {
      return accuracy.duplicateFromElsewhere(id.predictedClass());
    }
    if (forwarder != null) {
      forwarder.forward(id.home(), requestId, label);
    }
    return accuracy.feedbackFromElsewhere(id.predictedClass(), trueClass);
  }

  /**
   * Ground truth for an earlier regression request id, scored like {@link #feedback} but as an
   * error.
   */
  public ValueFeedback feedbackValue(String requestId, double value) {
    if (errors == null) {
      return null;
    }
    RequestIds.Parsed id = trusted(ids.parse(requestId, 0), requestId);
    if (id == null || id.predictedClass() >= 0) {
      return errors.unknownRequest();
    }
    if (id.local()) {
      ValueFeedback result = errors.feedback(id.sequence(), value);
      if (result.outcome() == FeedbackResult.Outcome.Recorded) {
        keep(id.sequence(), String.valueOf(result.predicted()), String.valueOf(value));
      }
      return result;
    }
    if (!ids.firstFeedbackFor(requestId)) {
      return errors.duplicateFromElsewhere(id.predictedValue());
    }
    if (forwarder != null) {
      forwarder.forward(id.home(), requestId, value);
    }
    return errors.feedbackFromElsewhere(id.predictedValue(), value);
  }

  /** What became of a label another replica handed over for a row predicted here. */
  public enum Handover {
    /** The row was kept. */
    KEPT,
    /** Newer predictions had overwritten the row's features (counted as forgotten). */
    NOT_REMEMBERED,
    /** Its label had come before (here, or handed over): kept then, nothing more now. */
    DUPLICATE,
    /** Not an id of this process, or a label this model does not know: nothing kept. */
    REFUSED
  }

  /**
   * Keeps the row of a label another replica received and already scored, for a prediction made
   * here ({@link io.modelship.runtime.sink.LabelForwarder}). Not scored again. {@code label} for a
   * classifier, {@code value} for a regressor.
   */
  public Handover keepHandedOver(String requestId, String label, Double value) {
    if (sink == null) {
      return Handover.REFUSED;
    }
    RequestIds.Parsed id = ids.parse(requestId, regression ? 0 : labels.size());
    if (id == null || !id.local() || !id.trusted()) {
      return Handover.REFUSED;
    }
    String prediction;
    String truth;
    if (regression) {
      if (value == null || !Double.isFinite(value) || id.predictedClass() >= 0) {
        return Handover.REFUSED;
      }
      prediction = String.valueOf(id.predictedValue());
      truth = String.valueOf(value.doubleValue());
    } else {
      if (label == null || !labels.contains(label) || id.predictedClass() < 0) {
        return Handover.REFUSED;
      }
      prediction = labels.get(id.predictedClass());
      truth = label;
    }
    boolean answered =
        accuracy != null
            ? accuracy.answeredElsewhere(id.sequence())
            : errors.answeredElsewhere(id.sequence());
    if (answered) {
      return Handover.DUPLICATE;
    }
    return keep(id.sequence(), prediction, truth) ? Handover.KEPT : Handover.NOT_REMEMBERED;
  }

  /**
   * Sends a row whose feedback was just counted to the sink. Only this replica's own predictions
   * have their features here; a label for another replica's id is handed to it ({@link
   * #keepHandedOver}).
   *
   * @return whether the row's features were still here (else it is counted as forgotten)
   */
  private boolean keep(long sequence, String prediction, String label) {
    if (sink == null) {
      return false;
    }
    double[] row = features.take(sequence);
    if (row == null) {
      rowsForgotten.incrementAndGet();
      return false;
    }
    sink.append(row, prediction, label, java.time.Instant.now());
    return true;
  }

  /**
   * Refuses an id this deployment did not issue: with a signing key, a bad signature; without one,
   * an id of another process (which this one cannot tell from a made-up one).
   */
  private RequestIds.Parsed trusted(RequestIds.Parsed id, String requestId) {
    if (id != null && !id.trusted()) {
      String shown = requestId.length() > 80 ? requestId.substring(0, 80) + "…" : requestId;
      throw RequestException.badInput(
          ids.signed()
              ? "request_id '"
                  + shown
                  + "' was not issued by this deployment's model version "
                  + model.manifest().version()
                  + " (its signature does not match; send feedback to the"
                  + " version that answered, named in its response)"
              : "request_id '"
                  + shown
                  + "' was not issued by this replica; without FEEDBACK_SIGNING_KEY only ids"
                  + " the replica itself issued are accepted");
    }
    return id;
  }

  public ErrorSnapshot errors() {
    return errors == null ? null : errors.snapshot();
  }

  /** A regressor's error summed since start, or null without monitoring or for a classifier. */
  public ErrorTotals errorTotals() {
    return errors == null ? null : errors.totals();
  }

  public AccuracySnapshot accuracy() {
    return accuracy == null ? null : accuracy.snapshot();
  }

  /** A classifier's labelled feedback by true and predicted class, or null without monitoring. */
  public long[][] confusion() {
    return accuracy == null ? null : accuracy.confusion();
  }

  public PredictionCounts counts() {
    return counts;
  }

  /** The prediction cache's hit ratio, or null without a cache. */
  public Double cacheHitRatio() {
    return cache == null ? null : cache.hitRatio();
  }

  @Override
  public void close() throws IOException {
    if (forwarder != null) {
      forwarder.close();
    }
    if (sink != null) {
      sink.close();
    }
    if (log != null) {
      log.close();
    }
  }
}
