package io.modelship.runtime.retraining;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelship.api.retraining.RetrainJob;
import io.modelship.api.retraining.RetrainResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The result as the operator reads it: one line of JSON of at most {@link
 * RetrainJob#RESULT_MAX_BYTES} (what Kubernetes keeps of a termination message), the reason cut
 * short when it would not fit.
 */
public final class ResultFile {

  private static final ObjectMapper JSON = new ObjectMapper();

  private ResultFile() {}

  /** The result as JSON of at most {@link RetrainJob#RESULT_MAX_BYTES} bytes. */
  public static String json(RetrainResult result) {
    RetrainResult r = result;
    String text = write(r);
    while (text.getBytes(StandardCharsets.UTF_8).length > RetrainJob.RESULT_MAX_BYTES
        && r.reason() != null
        && !r.reason().isEmpty()) {
      int over = text.getBytes(StandardCharsets.UTF_8).length - RetrainJob.RESULT_MAX_BYTES;
      String reason = r.reason();
      int keep = Math.max(0, reason.length() - over - 2);
      r = withReason(r, reason.substring(0, keep) + "…");
      text = write(r);
      if (keep == 0) {
        break;
      }
    }
    return text;
  }

  /** Writes {@link #json} to {@code file}, replacing what was there. */
  public static void write(RetrainResult result, Path file) {
    try {
      Files.writeString(file, json(result));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the result to " + file + ": " + e, e);
    }
  }

  private static String write(RetrainResult r) {
    try {
      return JSON.writeValueAsString(r);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static RetrainResult withReason(RetrainResult r, String reason) {
    return new RetrainResult(
        r.outcome(),
        reason,
        r.version(),
        r.uri(),
        r.sha256(),
        r.size(),
        r.metric(),
        r.candidate(),
        r.serving(),
        r.heldOutRows(),
        r.trainingRows(),
        r.recentRows(),
        r.newestRow());
  }
}
