package io.modelship.api.v1alpha1.status;

import com.fasterxml.jackson.annotation.JsonInclude;

/** A candidate package a run produced, and how it compared with the serving version. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RetrainingCandidate {

  /** The candidate's model version. */
  private String version;

  /** Where its verified package is. */
  private String uri;

  /** The package's SHA-256. */
  private String sha256;

  /** The package's size in bytes. */
  private Long size;

  /** When the run that made it ended (RFC 3339). */
  private String createdAt;

  /** The Job that made it. */
  private String job;

  /** The version it was compared with. */
  private String servingVersion;

  /** accuracy (classification) or rmse (regression). */
  private String metric;

  /** The candidate's metric on the held-out recent rows. */
  private Double candidateValue;

  /** The serving version's metric on the same rows. */
  private Double servingValue;

  /** How many held-out recent rows both were evaluated on. */
  private Integer heldOutRows;

  /** Better when it beats the serving version by spec.retraining.minImprovement, else NotBetter. */
  private CandidateVerdict verdict;

  /** The comparison in one line. */
  private String message;

  public String getVersion() {
    return version;
  }

  public void setVersion(String version) {
    this.version = version;
  }

  public String getUri() {
    return uri;
  }

  public void setUri(String uri) {
    this.uri = uri;
  }

  public String getSha256() {
    return sha256;
  }

  public void setSha256(String sha256) {
    this.sha256 = sha256;
  }

  public Long getSize() {
    return size;
  }

  public void setSize(Long size) {
    this.size = size;
  }

  public String getCreatedAt() {
    return createdAt;
  }

  public void setCreatedAt(String createdAt) {
    this.createdAt = createdAt;
  }

  public String getJob() {
    return job;
  }

  public void setJob(String job) {
    this.job = job;
  }

  public String getServingVersion() {
    return servingVersion;
  }

  public void setServingVersion(String servingVersion) {
    this.servingVersion = servingVersion;
  }

  public String getMetric() {
    return metric;
  }

  public void setMetric(String metric) {
    this.metric = metric;
  }

  public Double getCandidateValue() {
    return candidateValue;
  }

  public void setCandidateValue(Double candidateValue) {
    this.candidateValue = candidateValue;
  }

  public Double getServingValue() {
    return servingValue;
  }

  public void setServingValue(Double servingValue) {
    this.servingValue = servingValue;
  }

  public Integer getHeldOutRows() {
    return heldOutRows;
  }

  public void setHeldOutRows(Integer heldOutRows) {
    this.heldOutRows = heldOutRows;
  }

  public CandidateVerdict getVerdict() {
    return verdict;
  }

  public void setVerdict(CandidateVerdict verdict) {
    this.verdict = verdict;
  }

  public String getMessage() {
    return message;
  }

  public void setMessage(String message) {
    this.message = message;
  }
}
