package io.modelship.api.v1alpha1.status;

import com.fasterxml.jackson.annotation.JsonInclude;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class RolloutRecord {

  /** Version that was rolled out. */
  private String version;

  /** Promoted, RolledBack or Aborted. */
  private RolloutOutcome outcome;

  /** When the rollout ended (RFC 3339). */
  private String time;

  /** Why it ended that way. */
  private String message;

  /**
   * Where that version's model package lives, so it can be restored (absent when it came from
   * uriFrom).
   */
  private String uri;

  /** The package's SHA-256, when the spec named one. */
  private String sha256;

  /** Where the package's URI was kept instead, when the spec used spec.model.uriFrom. */
  private io.modelship.api.v1alpha1.spec.ModelUriSource uriFrom;

  public io.modelship.api.v1alpha1.spec.ModelUriSource getUriFrom() {
    return uriFrom;
  }

  public void setUriFrom(io.modelship.api.v1alpha1.spec.ModelUriSource uriFrom) {
    this.uriFrom = uriFrom;
  }

  public String getVersion() {
    return version;
  }

  public void setVersion(String version) {
    this.version = version;
  }

  public RolloutOutcome getOutcome() {
    return outcome;
  }

  public void setOutcome(RolloutOutcome outcome) {
    this.outcome = outcome;
  }

  public String getTime() {
    return time;
  }

  public void setTime(String time) {
    this.time = time;
  }

  public String getMessage() {
    return message;
  }

  public void setMessage(String message) {
    this.message = message;
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
}
