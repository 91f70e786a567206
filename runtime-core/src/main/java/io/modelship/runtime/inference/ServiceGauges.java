package io.modelship.runtime.inference;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.modelship.drift.DriftReport;
import io.modelship.runtime.model.ModelManifest;

/** The Prometheus gauges of one served model: drift, accuracy or error, cache, loaded. */
final class ServiceGauges {

  private ServiceGauges() {}

  /**
   * Every gauge carries the pod's own {@code model} and {@code version}, so a board or an alert
   * tells a canary's pods from the stable ones without joining on pod labels.
   */
  static void register(InferenceService service, MeterRegistry registry, double driftThreshold) {
    ModelManifest manifest = service.manifest();
    Tags own = Tags.of("model", manifest.name(), "version", manifest.version());
    if (service.driftMonitor() != null) {
      Gauge.builder(
              "modelship.drift.score",
              service,
              s -> verdict(s.cachedDrift(), s.cachedDrift().score()))
          .description("Overall drift score (largest PSI over features and predictions)")
          .tags(own)
          .register(registry);
      Gauge.builder("modelship.drift.threshold", () -> driftThreshold)
          .description("Drift score above which the deployment's drift status is Alert")
          .tags(own)
          .register(registry);
      FeatureRows rows = service.rows();
      for (int j = 0; j < rows.width(); j++) {
        int feature = j;
        Gauge.builder(
                "modelship.drift.psi",
                service,
                s -> verdict(s.cachedDrift(), s.cachedDrift().features().get(feature).psi()))
            .description("Population stability index of a feature over the drift window")
            .tags(own)
            .tags("feature", rows.names().get(j))
            .register(registry);
        Gauge.builder(
                "modelship.drift.ks",
                service,
                s -> verdict(s.cachedDrift(), s.cachedDrift().features().get(feature).ks()))
            .description("Kolmogorov-Smirnov statistic of a feature over the drift window")
            .tags(own)
            .tags("feature", rows.names().get(j))
            .register(registry);
      }
      Gauge.builder("modelship.drift.samples", service, s -> s.cachedDrift().samples())
          .description("Rows in the drift window (scores are NaN below DRIFT_MIN_SAMPLES)")
          .tags(own)
          .register(registry);
      Gauge.builder(
              "modelship.drift.psi",
              service,
              s -> verdict(s.cachedDrift(), s.cachedDrift().prediction().psi()))
          .tags(own)
          .tags("feature", DriftReport.PREDICTION)
          .register(registry);
    }
    if (service.accuracy() != null) {
      Gauge.builder(
              "modelship.accuracy.rolling",
              service,
              s -> verdict(s.accuracy(), s.accuracy().accuracy()))
          .description("Accuracy over the last ground-truth feedbacks")
          .tags(own)
          .register(registry);
      Gauge.builder(
              "modelship.accuracy.drop", service, s -> verdict(s.accuracy(), s.accuracy().drop()))
          .description("Training accuracy minus rolling accuracy")
          .tags(own)
          .register(registry);
      Gauge.builder("modelship.accuracy.samples", service, s -> s.accuracy().windowCount())
          .description(
              "Labelled feedbacks in the accuracy window (accuracy is NaN below ACCURACY_MIN_SAMPLES)")
          .tags(own)
          .register(registry);
      Gauge.builder("modelship.accuracy.max.drop", service, s -> s.accuracy().maxDrop())
          .description("Accuracy drop |A0 - At| above which the deployment alerts")
          .tags(own)
          .register(registry);
    }
    if (service.errors() != null) {
      Gauge.builder("modelship.error.mae", service, s -> nanIfNull(s.errors().mae()))
          .description("Mean absolute error over the last ground-truth feedbacks")
          .tags(own)
          .register(registry);
      Gauge.builder("modelship.error.rmse", service, s -> nanIfNull(s.errors().rmse()))
          .description("Root mean squared error over the last ground-truth feedbacks")
          .tags(own)
          .register(registry);
    }
    if (service.cacheHitRatio() != null) {
      Gauge.builder("modelship.prediction.cache.hit.ratio", service, s -> s.cacheHitRatio())
          .description("Share of predictions answered from the prediction cache")
          .tags(own)
          .register(registry);
    }
    Gauge.builder("modelship.model.loaded", () -> 1)
        .tags(own)
        .description("1 while the model is loaded")
        .register(registry);
  }

  /**
   * A drift figure, or NaN (no sample, so no alert rule fires) while the window has fewer than
   * minSamples rows; {@code modelship_drift_samples} says how many it has.
   */
  private static double verdict(DriftReport report, double value) {
    return report.sufficient() ? value : Double.NaN;
  }

  private static double verdict(
      io.modelship.runtime.monitoring.AccuracySnapshot accuracy, Double value) {
    return accuracy.status() == io.modelship.drift.DriftStatus.InsufficientData
        ? Double.NaN
        : nanIfNull(value);
  }

  private static double nanIfNull(Double value) {
    return value == null ? Double.NaN : value;
  }
}
