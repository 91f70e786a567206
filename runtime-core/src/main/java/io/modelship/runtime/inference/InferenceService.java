package io.modelship.runtime.inference;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.modelship.drift.DriftReport;
import io.modelship.drift.DriftThresholds;
import io.modelship.drift.FeatureDrift;
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
import io.modelship.runtime.monitoring.ErrorTracker;
import io.modelship.runtime.monitoring.FeedbackResult;
import io.modelship.runtime.monitoring.ValueFeedback;
import io.modelship.runtime.server.ServeConfig;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Predictions for one loaded model, with everything that watches them: class and confidence
 * counts, drift over a window of recent rows, remembered predictions for ground-truth feedback,
 * the optional cache and prediction log. Every protocol (seed API, KServe V1, OIP V2) calls this.
 */
public final class InferenceService implements AutoCloseable {

    /** One row's outcome: a class and its probabilities, or for a regressor a value (classIndex -1). */
    public record Prediction(int classIndex, double[] probabilities, double value, String requestId) {}

    /** Confidence (top probability) histogram bins: [0, 0.1), …, [0.9, 1.0]. */
    static final int CONFIDENCE_BINS = 10;

    private final ModelPackage model;
    private final LoadedModel predictor;
    private final List<String> labels;
    private final FeatureRows rows;
    private final DriftMonitor drift;
    private final AccuracyTracker accuracy;
    private final boolean regression;
    /** Regression: the reference quantile bins of the predicted values, which prediction drift counts in. */
    private final ReferenceBins predictionBins;
    private final ErrorTracker errors;
    private final PredictionCache cache;
    private final PredictionLog log;
    private final LongAdder[] classCounts;
    private final LongAdder[] confidence = new LongAdder[CONFIDENCE_BINS];
    private final LongAdder predictedRows = new LongAdder();
    private final Counter[] classCounters;
    private final boolean monitoring;
    private final String idPrefix = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    private final AtomicLong nextId = new AtomicLong();
    private volatile DriftReport lastDrift;

    public InferenceService(ModelPackage model, ServeConfig config, MeterRegistry registry) {
        this.model = model;
        this.predictor = model.model();
        ModelManifest manifest = model.manifest();
        this.labels = manifest.labels() == null ? List.of() : List.copyOf(manifest.labels());
        this.rows = new FeatureRows(model.featureNames(), config.maxBatchRows());
        this.monitoring = config.monitoring();
        this.regression = manifest.regression();
        ModelManifest.Bins bins = manifest.reference() == null ? null : manifest.reference().predictionBins();
        this.predictionBins = regression && bins != null ? new ReferenceBins(bins.edges(), bins.fractions()) : null;
        this.drift = config.monitoring() ? driftMonitor(manifest, config) : null;
        ModelManifest.TrainingMetrics metrics = manifest.metrics();
        Double a0 = metrics == null ? null : metrics.holdoutAccuracy();
        this.accuracy = config.monitoring() && !regression ? new AccuracyTracker(a0 == null ? Double.NaN : a0,
                config.accuracyMaxDrop(), config.rememberedPredictions(), AccuracyTracker.DEFAULT_WINDOW_SIZE) : null;
        this.errors = config.monitoring() && regression ? new ErrorTracker(
                metrics == null || metrics.mae() == null ? Double.NaN : metrics.mae(),
                metrics == null || metrics.rmse() == null ? Double.NaN : metrics.rmse(),
                config.accuracyMaxDrop(), config.rememberedPredictions(), AccuracyTracker.DEFAULT_WINDOW_SIZE) : null;
        this.cache = config.cacheSize() > 0 ? new PredictionCache(config.cacheSize()) : null;
        this.log = config.predictionLog() != null
                ? new PredictionLog(config.predictionLog(), config.predictionLogSampleRate()) : null;
        this.classCounts = new LongAdder[labels.size()];
        this.classCounters = new Counter[labels.size()];
        for (int k = 0; k < labels.size(); k++) {
            classCounts[k] = new LongAdder();
            classCounters[k] = Counter.builder("modelship.predictions")
                    .description("Predictions by predicted class")
                    .tags("model", manifest.name(), "version", manifest.version(), "class", labels.get(k))
                    .register(registry);
        }
        for (int b = 0; b < CONFIDENCE_BINS; b++) {
            confidence[b] = new LongAdder();
        }
        registerGauges(registry, manifest);
    }

    private static DriftMonitor driftMonitor(ModelManifest manifest, ServeConfig config) {
        ModelManifest.Reference reference = manifest.reference();
        if (reference == null || reference.features() == null
                || (manifest.regression() ? reference.predictionBins() == null : reference.predictions() == null)) {
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
        double[] predictions = manifest.regression() ? reference.predictionBins().fractions()
                : manifest.labels().stream().mapToDouble(label -> reference.predictions().getOrDefault(label, 0.0))
                        .toArray();
        return new DriftMonitor(names, bins, predictions, config.driftWindowSize(),
                new DriftThresholds(config.driftWarning(), config.driftThreshold()), config.driftMethod());
    }

    private void registerGauges(MeterRegistry registry, ModelManifest manifest) {
        if (drift != null) {
            Gauge.builder("modelship.drift.score", this, s -> s.cachedDrift().score())
                    .description("Overall drift score (largest PSI over features and predictions)")
                    .register(registry);
            for (int j = 0; j < rows.width(); j++) {
                int feature = j;
                Gauge.builder("modelship.drift.psi", this, s -> s.cachedDrift().features().get(feature).psi())
                        .description("Population stability index of a feature over the drift window")
                        .tags("feature", rows.names().get(j)).register(registry);
                Gauge.builder("modelship.drift.ks", this, s -> s.cachedDrift().features().get(feature).ks())
                        .description("Kolmogorov-Smirnov statistic of a feature over the drift window")
                        .tags("feature", rows.names().get(j)).register(registry);
            }
            Gauge.builder("modelship.drift.psi", this, s -> s.cachedDrift().prediction().psi())
                    .tags("feature", DriftReport.PREDICTION).register(registry);
        }
        if (accuracy != null) {
            Gauge.builder("modelship.accuracy.rolling", this, s -> nanIfNull(s.accuracy.snapshot().accuracy()))
                    .description("Accuracy over the last ground-truth feedbacks").register(registry);
            Gauge.builder("modelship.accuracy.drop", this, s -> nanIfNull(s.accuracy.snapshot().drop()))
                    .description("Training accuracy minus rolling accuracy").register(registry);
        }
        if (errors != null) {
            Gauge.builder("modelship.error.mae", this, s -> nanIfNull(s.errors.snapshot().mae()))
                    .description("Mean absolute error over the last ground-truth feedbacks").register(registry);
            Gauge.builder("modelship.error.rmse", this, s -> nanIfNull(s.errors.snapshot().rmse()))
                    .description("Root mean squared error over the last ground-truth feedbacks").register(registry);
        }
        if (cache != null) {
            Gauge.builder("modelship.prediction.cache.hit.ratio", cache, PredictionCache::hitRatio)
                    .register(registry);
        }
        Gauge.builder("modelship.model.loaded", () -> 1)
                .tags("model", manifest.name(), "version", manifest.version())
                .description("1 while the model is loaded").register(registry);
    }

    private static double nanIfNull(Double value) {
        return value == null ? Double.NaN : value;
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

    /** Predicts validated rows (one call into the model for the whole batch) and records them for monitoring. */
    public Prediction[] predict(double[][] batch) {
        Predictions p = cache == null ? predictor.predict(batch) : predictThroughCache(batch);
        Prediction[] out = new Prediction[batch.length];
        for (int i = 0; i < batch.length; i++) {
            out[i] = regression ? recordValue(batch[i], p.values()[i])
                    : record(batch[i], p.classIndex()[i], p.probabilities()[i]);
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
                PredictionCache.Cached c = regression ? PredictionCache.Cached.value(p.values()[m])
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

    private Prediction recordValue(double[] row, double value) {
        long sequence = nextId.incrementAndGet();
        // prefix - sequence - the predicted value's bits: any replica can score feedback for it.
        String id = idPrefix + '-' + Long.toHexString(sequence) + "-v" + Long.toHexString(Double.doubleToLongBits(value));
        predictedRows.increment();
        if (drift != null && predictionBins != null) {
            drift.record(row, predictionBins.binOf(value));
        }
        if (errors != null) {
            errors.remember(sequence, value);
        }
        if (log != null) {
            log.maybeLog(id, row, value, null);
        }
        return new Prediction(-1, null, value, id);
    }

    private Prediction record(double[] row, int k, double[] probabilities) {
        long sequence = nextId.incrementAndGet();
        // prefix (this process) - sequence - predicted class: any replica behind the Service can
        // score ground truth for it, even one that did not make the prediction.
        String id = idPrefix + '-' + Long.toHexString(sequence) + '-' + k;
        predictedRows.increment();
        classCounts[k].increment();
        double top = probabilities[k];
        confidence[Math.min(CONFIDENCE_BINS - 1, (int) (top * CONFIDENCE_BINS))].increment();
        if (monitoring) {
            classCounters[k].increment();
        }
        if (drift != null) {
            drift.record(row, k);
        }
        if (accuracy != null) {
            accuracy.remember(sequence, k);
        }
        if (log != null) {
            log.maybeLog(id, row, labels.get(k), top);
        }
        return new Prediction(k, probabilities, Double.NaN, id);
    }

    /**
     * The batch answer both the seed API and KServe V1 give: labels and probabilities by label, or
     * for a regressor the predicted values.
     */
    public Map<String, Object> batchAnswer(Prediction[] predictions) {
        if (regression) {
            List<Double> values = new ArrayList<>(predictions.length);
            for (Prediction p : predictions) {
                values.add(p.value());
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("predictions", values);
            return out;
        }
        List<String> predicted = new ArrayList<>(predictions.length);
        List<Map<String, Double>> probabilities = new ArrayList<>(predictions.length);
        for (Prediction p : predictions) {
            predicted.add(labels.get(p.classIndex()));
            probabilities.add(probabilitiesByLabel(p.probabilities()));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("predictions", predicted);
        out.put("probabilities", probabilities);
        return out;
    }

    /** Probabilities keyed by label, in label order. */
    public Map<String, Double> probabilitiesByLabel(double[] probabilities) {
        Map<String, Double> map = new LinkedHashMap<>();
        for (int k = 0; k < labels.size(); k++) {
            map.put(labels.get(k), probabilities[k]);
        }
        return map;
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

    private DriftReport cachedDrift() {
        DriftReport report = lastDrift;
        return report != null ? report : driftReport();
    }

    /**
     * Ground truth for an earlier request id. Ids from this process are checked against the
     * remembered predictions (so repeats count once); ids from another replica carry their
     * predicted class and are scored from it; anything else is unknown.
     */
    public FeedbackResult feedback(String requestId, String label) {
        if (accuracy == null) {
            return null;
        }
        int trueClass = labels.indexOf(label);
        if (trueClass < 0) {
            throw new IllegalArgumentException("unknown label '" + label + "'");
        }
        String[] parts = requestId.split("-");
        if (parts.length != 3 || parts[0].length() != idPrefix.length()) {
            return accuracy.unknownRequest();
        }
        try {
            long sequence = Long.parseUnsignedLong(parts[1], 16);
            int predicted = Integer.parseInt(parts[2]);
            if (sequence < 0 || predicted < 0 || predicted >= labels.size()) {
                return accuracy.unknownRequest();
            }
            return parts[0].equals(idPrefix) ? accuracy.feedback(sequence, trueClass)
                    : accuracy.feedbackFromElsewhere(predicted, trueClass);
        } catch (NumberFormatException e) {
            return accuracy.unknownRequest();
        }
    }

    /**
     * Ground truth for an earlier regression request id, scored like {@link #feedback} but as an error.
     */
    public ValueFeedback feedbackValue(String requestId, double value) {
        if (errors == null) {
            return null;
        }
        String[] parts = requestId.split("-");
        if (parts.length != 3 || parts[0].length() != idPrefix.length() || !parts[2].startsWith("v")) {
            return errors.unknownRequest();
        }
        try {
            long sequence = Long.parseUnsignedLong(parts[1], 16);
            double predicted = Double.longBitsToDouble(Long.parseUnsignedLong(parts[2].substring(1), 16));
            if (sequence < 0 || !Double.isFinite(predicted)) {
                return errors.unknownRequest();
            }
            return parts[0].equals(idPrefix) ? errors.feedback(sequence, value)
                    : errors.feedbackFromElsewhere(predicted, value);
        } catch (NumberFormatException e) {
            return errors.unknownRequest();
        }
    }

    public ErrorSnapshot errors() {
        return errors == null ? null : errors.snapshot();
    }

    public AccuracySnapshot accuracy() {
        return accuracy == null ? null : accuracy.snapshot();
    }

    /** Live counts for {@code /model_info} and the dashboard. */
    public Map<String, Object> statistics() {
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("predictions", predictedRows.sum());
        Map<String, Long> classes = new LinkedHashMap<>();
        for (int k = 0; k < labels.size(); k++) {
            classes.put(labels.get(k), classCounts[k].sum());
        }
        stats.put("classes", classes);
        double[] bins = new double[CONFIDENCE_BINS];
        long[] counts = new long[CONFIDENCE_BINS];
        for (int b = 0; b < CONFIDENCE_BINS; b++) {
            bins[b] = b / (double) CONFIDENCE_BINS;
            counts[b] = confidence[b].sum();
        }
        stats.put("confidence", Map.of("bins", bins, "counts", counts));
        stats.put("cacheHitRatio", cache == null ? null : cache.hitRatio());
        stats.put("accuracy", accuracy());
        if (regression) {
            stats.put("error", errors());
        }
        DriftReport report = driftReport();
        stats.put("drift", report == null ? null : Map.of("score", report.score(), "status", report.status()));
        return stats;
    }

    /** Per-feature drift as JSON-friendly maps, in feature order. */
    public static List<Map<String, Object>> featureDrift(List<FeatureDrift> features) {
        return features.stream().map(InferenceService::featureDrift).toList();
    }

    public static Map<String, Object> featureDrift(FeatureDrift f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", f.name());
        m.put("psi", f.psi());
        m.put("ks", f.ks());
        m.put("status", f.status());
        return m;
    }

    @Override
    public void close() throws IOException {
        if (log != null) {
            log.close();
        }
    }
}
