package io.modelship.api.v1alpha1.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * What one serving pod reports about itself, in its own {@code RuntimeReport}. Every count is
 * cumulative since the pod's process started ({@link #startTime}), like a Prometheus counter: the
 * operator differences successive reports to get the traffic between them, so a missed report loses
 * nothing. The pod's own recent-window figures (p50/p99, {@link #driftStatus}) are for people
 * reading the report; the operator does not judge by them.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RuntimeReportSpec {

  /**
   * Feature bin counts wrap at this value ({@code count mod FEATURE_COUNT_MODULUS}), which keeps
   * every count to five digits so a 200-feature report fits its 16 KiB budget however long the pod
   * runs. The operator adds the wrapped difference, which is exact while fewer than this many rows
   * fall into one bin between two reports it reads.
   */
  public static final long FEATURE_COUNT_MODULUS = 100_000;

  /**
   * When the pod's process started (RFC 3339); a new value means the counters restarted from zero.
   */
  private String startTime;

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

  /**
   * Requests counted per latency bucket since start, buckets as {@link LatencyBuckets} defines
   * them; trailing empty buckets are left out.
   */
  private List<Long> latencyCounts;

  /**
   * Rows with labelled feedback written to the retraining sink since start
   * (spec.retraining.data.sink).
   */
  private Long sinkRowsWritten;

  /**
   * Rows with labelled feedback lost since start, each counted once across the replicas: the
   * retraining sink was down, slow or refused them; newer predictions had overwritten their
   * features before the label came; or the replica that predicted them did not take the label this
   * pod received.
   */
  private Long sinkRowsDropped;

  public Long getSinkRowsWritten() {
    return sinkRowsWritten;
  }

  public void setSinkRowsWritten(Long sinkRowsWritten) {
    this.sinkRowsWritten = sinkRowsWritten;
  }

  public Long getSinkRowsDropped() {
    return sinkRowsDropped;
  }

  public void setSinkRowsDropped(Long sinkRowsDropped) {
    this.sinkRowsDropped = sinkRowsDropped;
  }

  /** Labelled feedbacks scored since start. */
  private Long feedbackCount;

  /** Correct predictions among them. */
  private Long feedbackCorrect;

  /**
   * Labelled predictions in the pod's rolling accuracy window (for display; analysis uses {@link
   * #feedbackCount}).
   */
  private Long accuracyLabelled;

  /** Correct predictions among them. */
  private Long accuracyCorrect;

  /**
   * Binned feature values by feature name, with the reference they are compared with: the bins
   * (edges, labels, reference) in a package's reference object; counts since start (wrapped at
   * {@link #FEATURE_COUNT_MODULUS}) in reports that carry the bins themselves.
   */
  private Map<String, BinnedCounts> features;

  /**
   * Feature bin counts since start, wrapped at {@link #FEATURE_COUNT_MODULUS}, one list per feature
   * in the order of the reference object's {@link #features}: a pod's report names no feature, the
   * names are in the reference once per package.
   */
  private List<List<Long>> featureCounts;

  /** Binned predictions since start (counts not wrapped), with the reference. */
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

  public String getStartTime() {
    return startTime;
  }

  public void setStartTime(String startTime) {
    this.startTime = startTime;
  }

  public List<Long> getLatencyCounts() {
    return latencyCounts;
  }

  public void setLatencyCounts(List<Long> latencyCounts) {
    this.latencyCounts = latencyCounts;
  }

  public Long getFeedbackCount() {
    return feedbackCount;
  }

  public void setFeedbackCount(Long feedbackCount) {
    this.feedbackCount = feedbackCount;
  }

  public Long getFeedbackCorrect() {
    return feedbackCorrect;
  }

  public void setFeedbackCorrect(Long feedbackCorrect) {
    this.feedbackCorrect = feedbackCorrect;
  }

  public List<List<Long>> getFeatureCounts() {
    return featureCounts;
  }

  public void setFeatureCounts(List<List<Long>> featureCounts) {
    this.featureCounts = featureCounts;
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
