package io.modelship.runtime.http;

import io.modelship.drift.DriftReport;
import io.modelship.drift.FeatureDrift;
import io.modelship.runtime.inference.InferenceService;
import io.modelship.runtime.inference.PredictionCounts;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** How predictions, statistics and drift look as JSON in the runtime's answers. */
final class PredictionJson {

    private PredictionJson() {}

    /**
     * The batch answer both the seed API and KServe V1 give: labels and probabilities by label, or
     * for a regressor the predicted values.
     */
    static Map<String, Object> batchAnswer(InferenceService service, InferenceService.Prediction[] predictions) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (service.regression()) {
            List<Double> values = new ArrayList<>(predictions.length);
            for (InferenceService.Prediction p : predictions) {
                values.add(p.value());
            }
            out.put("predictions", values);
            return out;
        }
        List<String> predicted = new ArrayList<>(predictions.length);
        List<Map<String, Double>> probabilities = new ArrayList<>(predictions.length);
        for (InferenceService.Prediction p : predictions) {
            predicted.add(service.labels().get(p.classIndex()));
            probabilities.add(probabilitiesByLabel(service.labels(), p.probabilities()));
        }
        out.put("predictions", predicted);
        out.put("probabilities", probabilities);
        return out;
    }

    /** Probabilities keyed by label, in label order. */
    static Map<String, Double> probabilitiesByLabel(List<String> labels, double[] probabilities) {
        Map<String, Double> map = new LinkedHashMap<>();
        for (int k = 0; k < labels.size(); k++) {
            map.put(labels.get(k), probabilities[k]);
        }
        return map;
    }

    /** Live counts for {@code /model_info} and the dashboard. */
    static Map<String, Object> statistics(InferenceService service) {
        PredictionCounts counts = service.counts();
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("predictions", counts.rows());
        Map<String, Long> classes = new LinkedHashMap<>();
        long[] perClass = counts.perClass();
        for (int k = 0; k < service.labels().size(); k++) {
            classes.put(service.labels().get(k), perClass[k]);
        }
        stats.put("classes", classes);
        double[] bins = new double[PredictionCounts.CONFIDENCE_BINS];
        for (int b = 0; b < bins.length; b++) {
            bins[b] = b / (double) PredictionCounts.CONFIDENCE_BINS;
        }
        stats.put("confidence", Map.of("bins", bins, "counts", counts.perConfidenceBin()));
        stats.put("cacheHitRatio", service.cacheHitRatio());
        stats.put("accuracy", service.accuracy());
        if (service.regression()) {
            stats.put("error", service.errors());
        }
        DriftReport report = service.driftReport();
        stats.put("drift", report == null ? null : Map.of("score", report.score(), "status", report.status()));
        return stats;
    }

    /** Per-feature drift as JSON-friendly maps, in feature order. */
    static List<Map<String, Object>> featureDrift(List<FeatureDrift> features) {
        return features.stream().map(PredictionJson::featureDrift).toList();
    }

    static Map<String, Object> featureDrift(FeatureDrift f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", f.name());
        m.put("psi", f.psi());
        m.put("ks", f.ks());
        m.put("status", f.status());
        return m;
    }
}
