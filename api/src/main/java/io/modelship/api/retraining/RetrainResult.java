package io.modelship.api.retraining;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What a retraining Job leaves in its termination message (JSON, at most {@link
 * RetrainJob#RESULT_MAX_BYTES}). On success the package is written and verified, and both models
 * were evaluated on the same held-out recent rows.
 *
 * @param outcome Succeeded, Failed or NoNewData (the Job's own view; TimedOut is the operator's)
 * @param reason one line: why it failed, or what it did
 * @param version the candidate's version
 * @param uri where the candidate package was written
 * @param sha256 the package's SHA-256
 * @param size the package's size in bytes
 * @param metric accuracy (classification, higher is better) or rmse (regression, lower is better)
 * @param candidate the candidate's metric on the held-out recent rows
 * @param serving the serving version's metric on the same rows
 * @param heldOutRows how many held-out recent rows both were evaluated on
 * @param trainingRows how many rows the candidate was trained on (training data plus recent)
 * @param recentRows how many recent labelled rows were read (after window and maxRows)
 * @param newestRow the time of the newest recent row used (RFC 3339)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record RetrainResult(
    String outcome,
    String reason,
    String version,
    String uri,
    String sha256,
    Long size,
    String metric,
    Double candidate,
    Double serving,
    Integer heldOutRows,
    Integer trainingRows,
    Integer recentRows,
    String newestRow) {

  public static final String SUCCEEDED = "Succeeded";
  public static final String FAILED = "Failed";
  public static final String NO_NEW_DATA = "NoNewData";

  /** Whether a higher value of {@link #metric} is better. */
  public boolean higherIsBetter() {
    return !"rmse".equals(metric);
  }
}
