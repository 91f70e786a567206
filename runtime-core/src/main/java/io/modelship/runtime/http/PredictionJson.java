package io.modelship.runtime.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import io.modelship.drift.DriftReport;
import io.modelship.drift.FeatureDrift;
import io.modelship.runtime.inference.InferenceService;
import io.modelship.runtime.inference.PredictionCounts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** How predictions, statistics and drift look as JSON in the runtime's answers. */
final class PredictionJson {

  private PredictionJson() {}

  /**
   * The batch answer both the seed API and KServe V1 give: labels and probabilities by label, or
   * for a regressor the predicted values; with {@code envelope}, also the model, its version and
   * the request ids. Written straight to bytes with a streaming generator: the maps and boxed
   * numbers a tree of 1000 rows needs cost as much as the writing.
   */
  static byte[] batchAnswer(
      InferenceService service, InferenceService.Prediction[] predictions, boolean envelope) {
    List<String> labels = service.labels();
    ByteArrayBuilder bytes =
        new ByteArrayBuilder(predictions.length * (40 + 32 * Math.max(1, labels.size())));
    try (JsonGenerator out = JsonIo.MAPPER.createGenerator(bytes)) {
      out.writeStartObject();
      out.writeArrayFieldStart("predictions");
      for (InferenceService.Prediction p : predictions) {
        if (service.regression()) {
          out.writeNumber(p.value());
        } else {
          out.writeString(labels.get(p.classIndex()));
        }
      }
      out.writeEndArray();
      if (!service.regression()) {
        out.writeArrayFieldStart("probabilities");
        for (InferenceService.Prediction p : predictions) {
          out.writeStartObject();
          for (int k = 0; k < labels.size(); k++) {
            out.writeNumberField(labels.get(k), p.probabilities()[k]);
          }
          out.writeEndObject();
        }
        out.writeEndArray();
      }
      if (envelope) {
        out.writeStringField("model", service.manifest().name());
        out.writeStringField("version", service.manifest().version());
        out.writeArrayFieldStart("request_ids");
        for (InferenceService.Prediction p : predictions) {
          out.writeString(p.requestId());
        }
        out.writeEndArray();
      }
      out.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the answer", e); // into memory: does not happen
    }
    return bytes.toByteArray();
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
    long[][] confusion = service.confusion();
    if (confusion != null) {
      // Square over the model's labels, rows the true class, columns the predicted one.
      int n = service.labels().size();
      long[][] matrix = new long[n][n];
      for (int t = 0; t < Math.min(n, confusion.length); t++) {
        System.arraycopy(confusion[t], 0, matrix[t], 0, Math.min(n, confusion[t].length));
      }
      stats.put("confusion", Map.of("labels", service.labels(), "counts", matrix));
    }
    if (service.regression()) {
      stats.put("error", service.errors());
    }
    DriftReport report = service.driftReport();
    stats.put(
        "drift",
        report == null ? null : Map.of("score", report.score(), "status", report.status()));
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
