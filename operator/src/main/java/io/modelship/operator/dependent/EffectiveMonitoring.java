package io.modelship.operator.dependent;

import io.modelship.api.runtime.RuntimeEnvironment;
import io.modelship.api.v1alpha1.spec.DriftMethod;
import io.modelship.api.v1alpha1.spec.ModelDeploymentSpec;
import io.modelship.api.v1alpha1.spec.MonitoringSpec;
import io.modelship.drift.DriftThresholds;
import io.modelship.operator.settings.OperatorSettings;
import java.util.Optional;

/** The monitoring settings in force: the spec's where given, the defaults elsewhere. */
public record EffectiveMonitoring(
    DriftMethod method,
    double warning,
    double threshold,
    int windowSize,
    double maxAccuracyDrop,
    int reportIntervalSeconds,
    int driftMinSamples,
    int accuracyMinSamples) {

  public static EffectiveMonitoring of(ModelDeploymentSpec spec, OperatorSettings settings) {
    var monitoring = Optional.ofNullable(spec.getMonitoring());
    var drift = monitoring.map(MonitoringSpec::getDrift);
    var accuracy = monitoring.map(MonitoringSpec::getAccuracy);
    double warning =
        drift.map(d -> d.getWarning()).orElse(RuntimeEnvironment.DEFAULT_DRIFT_WARNING);
    // The threshold never sits below the warning level: a warning set above the default raises
    // it, and a spec that slipped past the CEL rule (older API servers) cannot break scoring.
    double threshold =
        Math.max(
            warning,
            drift.map(d -> d.getThreshold()).orElse(RuntimeEnvironment.DEFAULT_DRIFT_THRESHOLD));
    int windowSize =
        drift.map(d -> d.getWindowSize()).orElse(RuntimeEnvironment.DEFAULT_DRIFT_WINDOW_SIZE);
    return new EffectiveMonitoring(
        drift.map(d -> d.getMethod()).orElse(DriftMethod.PSI),
        warning,
        threshold,
        windowSize,
        accuracy.map(a -> a.getMaxDrop()).orElse(RuntimeEnvironment.DEFAULT_ACCURACY_MAX_DROP),
        monitoring
            .map(MonitoringSpec::getReportIntervalSeconds)
            .orElse(settings.reportIntervalSeconds()),
        drift
            .map(d -> d.getMinSamples())
            .orElse(DriftThresholds.defaultDriftMinSamples(windowSize)),
        accuracy.map(a -> a.getMinSamples()).orElse(DriftThresholds.DEFAULT_ACCURACY_MIN_SAMPLES));
  }

  public String methodName() {
    return method == DriftMethod.KS ? "ks" : "psi";
  }
}
