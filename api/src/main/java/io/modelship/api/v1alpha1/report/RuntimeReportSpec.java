package io.modelship.api.v1alpha1.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * What one serving pod reports about itself, in its own {@code RuntimeReport}; counts are
 * cumulative since the pod started.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RuntimeReportSpec {

  /** Model version the pod serves. */
  private String version;

  /** Whether the pod answers /ready with 200. */
  private Boolean ready;

  /** Whether the model package is loaded. */
  private Boolean modelLoaded;

  /** Why the model could not be loaded, when it could not. */
  private String loadError;

  /** Requests served since start. */
  private Long requestCount;

  /** Requests answered with an error since start. */
  private Long errorCount;

  /** Median latency over the recent window. */
  private Double latencyP50Ms;

  /** 99th percentile latency over the recent window. */
  private Double latencyP99Ms;

  /** Accuracy at training time (A0), from the model package. */
  private Double accuracyBaseline;

  /** Labelled predictions in the accuracy window. */
  private Long accuracyLabelled;

  /** Correct predictions among them. */
  private Long accuracyCorrect;

  /** Binned feature values of the drift window, with the reference they are compared with. */
  private Map<String, BinnedCounts> features;

  /** Binned predictions of the drift window, with the reference. */
  private BinnedCounts prediction;

  /** sha256 of the model package the pod loaded; every pod of one version must agree. */
  private String packageSha256;

  /** The pod's own drift level over its window, for {@code kubectl get runtimereports}. */
  private String driftStatus;

  /** When the pod wrote this report (RFC 3339). */
  private String reportTime;

  public String getVersion() {
    return version;
  }

  public void setVersion(String version) {
    this.version = version;
  }

  public Boolean getReady() {
    return ready;
  }

  public void setReady(Boolean ready) {
    this.ready = ready;
  }

  public Boolean getModelLoaded() {
    return modelLoaded;
  }

  public void setModelLoaded(Boolean modelLoaded) {
    this.modelLoaded = modelLoaded;
  }

  public String getLoadError() {
    return loadError;
  }

  public void setLoadError(String loadError) {
    this.loadError = loadError;
  }

  public Long getRequestCount() {
    return requestCount;
  }

  public void setRequestCount(Long requestCount) {
    this.requestCount = requestCount;
  }

  public Long getErrorCount() {
    return errorCount;
  }

  public void setErrorCount(Long errorCount) {
    this.errorCount = errorCount;
  }

  public Double getLatencyP50Ms() {
    return latencyP50Ms;
  }

  public void setLatencyP50Ms(Double latencyP50Ms) {
    this.latencyP50Ms = latencyP50Ms;
  }

  public Double getLatencyP99Ms() {
    return latencyP99Ms;
  }

  public void setLatencyP99Ms(Double latencyP99Ms) {
    this.latencyP99Ms = latencyP99Ms;
  }

  public Double getAccuracyBaseline() {
    return accuracyBaseline;
  }

  public void setAccuracyBaseline(Double accuracyBaseline) {
    this.accuracyBaseline = accuracyBaseline;
  }

  public Long getAccuracyLabelled() {
    return accuracyLabelled;
  }

  public void setAccuracyLabelled(Long accuracyLabelled) {
    this.accuracyLabelled = accuracyLabelled;
  }

  public Long getAccuracyCorrect() {
    return accuracyCorrect;
  }

  public void setAccuracyCorrect(Long accuracyCorrect) {
    this.accuracyCorrect = accuracyCorrect;
  }

  public Map<String, BinnedCounts> getFeatures() {
    return features;
  }

  public void setFeatures(Map<String, BinnedCounts> features) {
    this.features = features;
  }

  public BinnedCounts getPrediction() {
    return prediction;
  }

  public void setPrediction(BinnedCounts prediction) {
    this.prediction = prediction;
  }

  public String getReportTime() {
    return reportTime;
  }

  public void setReportTime(String reportTime) {
    this.reportTime = reportTime;
  }

  public String getPackageSha256() {
    return packageSha256;
  }

  public void setPackageSha256(String packageSha256) {
    this.packageSha256 = packageSha256;
  }

  public String getDriftStatus() {
    return driftStatus;
  }

  public void setDriftStatus(String driftStatus) {
    this.driftStatus = driftStatus;
  }

  // --- regression error (issue 8): cumulative since the pod started, so pods add up ---

  /** Regression: MAE measured when the package was made (E0). */
  private Double errorBaselineMae;

  /** Regression: RMSE measured when the package was made. */
  private Double errorBaselineRmse;

  /** Regression: feedbacks with a true value scored since start. */
  private Long errorFeedbackCount;

  /** Regression: sum of |predicted - true| over those feedbacks. */
  private Double absoluteErrorSum;

  /** Regression: sum of (predicted - true)^2 over those feedbacks. */
  private Double squaredErrorSum;

  public Double getErrorBaselineMae() {
    return errorBaselineMae;
  }

  public void setErrorBaselineMae(Double errorBaselineMae) {
    this.errorBaselineMae = errorBaselineMae;
  }

  public Double getErrorBaselineRmse() {
    return errorBaselineRmse;
  }

  public void setErrorBaselineRmse(Double errorBaselineRmse) {
    this.errorBaselineRmse = errorBaselineRmse;
  }

  public Long getErrorFeedbackCount() {
    return errorFeedbackCount;
  }

  public void setErrorFeedbackCount(Long errorFeedbackCount) {
    this.errorFeedbackCount = errorFeedbackCount;
  }

  public Double getAbsoluteErrorSum() {
    return absoluteErrorSum;
  }

  public void setAbsoluteErrorSum(Double absoluteErrorSum) {
    this.absoluteErrorSum = absoluteErrorSum;
  }

  public Double getSquaredErrorSum() {
    return squaredErrorSum;
  }

  public void setSquaredErrorSum(Double squaredErrorSum) {
    this.squaredErrorSum = squaredErrorSum;
  }
}
