package io.modelship.api.v1alpha1.status;

/** What a judgement of a new version measures; the names are the status's JSON values. */
public enum AnalysisMetric {
  /** Failed requests over all requests of the interval. */
  errorRate,
  /** 99th percentile latency of the interval, in milliseconds. */
  latencyP99Ms,
  /** Drift of the new version's inputs against the package's reference. */
  driftScore,
  /** PSI of the new version's predicted classes against the stable version's. */
  predictionShift,
  /** New version's error rate minus the stable version's, same interval. */
  errorRateIncrease,
  /** New version's p99 over the stable version's, same interval. */
  latencyP99Ratio,
  /** Stable version's accuracy minus the new version's, on labelled feedback. */
  accuracyDrop,
  /** Pods of the new version ready and their model loaded; a failure fails at once. */
  readiness
}
