package io.modelship.api.v1alpha1.status;

import com.fasterxml.jackson.annotation.JsonInclude;

/** The manual-control annotation values already acted on; a new value acts once. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class HandledTokens {

  /** Last modelship.io/promote value handled. */
  private String promote;

  /** Last modelship.io/promote-full value handled. */
  private String promoteFull;

  /** Last modelship.io/abort value handled. */
  private String abort;

  /** Last modelship.io/retry value handled. */
  private String retry;

  public String getPromote() {
    return promote;
  }

  public void setPromote(String promote) {
    this.promote = promote;
  }

  public String getPromoteFull() {
    return promoteFull;
  }

  public void setPromoteFull(String promoteFull) {
    this.promoteFull = promoteFull;
  }

  public String getAbort() {
    return abort;
  }

  public void setAbort(String abort) {
    this.abort = abort;
  }

  public String getRetry() {
    return retry;
  }

  public void setRetry(String retry) {
    this.retry = retry;
  }
}
