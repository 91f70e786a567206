package io.modelship.operator.dependent;

import io.modelship.api.v1alpha1.spec.DriftMethod;
import io.modelship.api.v1alpha1.spec.ModelDeploymentSpec;
import io.modelship.api.v1alpha1.spec.MonitoringSpec;
import io.modelship.operator.OperatorSettings;
import java.util.Optional;

/** The monitoring settings in force: the spec's where given, the defaults elsewhere. */
public record EffectiveMonitoring(
    DriftMethod method,
    double warning,
    double threshold,
    int windowSize,
    double maxAccuracyDrop,
    int reportIntervalSeconds) {

  public static EffectiveMonitoring of(ModelDeploymentSpec spec, OperatorSettings settings) {
    var monitoring = Optional.ofNullable(spec.getMonitoring());
    var drift = monitoring.map(MonitoringSpec::getDrift);
    double warning = drift.map(d -> d.getWarning()).orElse(0.1);
    // The threshold never sits below the warning level: a warning set above the default raises
    // it, and a spec that slipped past the CEL rule (older API servers) cannot break scoring.
    double threshold = Math.max(warning, drift.map(d -> d.getThreshold()).orElse(0.25));
    return new EffectiveMonitoring(
        drift.map(d -> d.getMethod()).orElse(DriftMethod.PSI),
        warning,
        threshold,
        drift.map(d -> d.getWindowSize()).orElse(1000),
        monitoring.map(MonitoringSpec::getAccuracy).map(a -> a.getMaxDrop()).orElse(0.05),
        monitoring.map(MonitoringSpec::getReportIntervalSeconds).orElse(settings.reportIntervalSeconds()));
  }

  public String methodName() {
    return method == DriftMethod.KS ? "ks" : "psi";
  }
}
