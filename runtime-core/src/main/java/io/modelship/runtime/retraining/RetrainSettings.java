package io.modelship.runtime.retraining;

import io.modelship.api.retraining.RetrainJob;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;

/**
 * What one retraining run does, from the flags of {@code retrain} or else the environment the
 * operator sets on the Job ({@link RetrainJob}).
 *
 * @param from the serving package's URI
 * @param fromSha256 its expected SHA-256, or null
 * @param servingVersion the serving version (for the result's reason), or null
 * @param candidateVersion the version the candidate gets
 * @param trainingData CSVs of the original training data (may be empty)
 * @param recent the sink prefix the pods' labelled rows are under
 * @param window only rows this recent are used; null: all
 * @param maxRows at most this many recent rows, the newest
 * @param newerThan without a row newer than this the run ends with NoNewData; null: any row will do
 * @param output the URI prefix the candidate package goes under
 * @param resultFile where the result JSON is written
 */
public record RetrainSettings(
    String from,
    String fromSha256,
    String servingVersion,
    String candidateVersion,
    List<String> trainingData,
    String recent,
    Duration window,
    int maxRows,
    Instant newerThan,
    String output,
    Path resultFile) {

  /** spec.retraining.data.window's default. */
  public static final Duration DEFAULT_WINDOW = Duration.ofDays(7);

  /** spec.retraining.data.maxRows's default. */
  public static final int DEFAULT_MAX_ROWS = 200_000;

  public RetrainSettings {
    trainingData = trainingData == null ? List.of() : List.copyOf(trainingData);
  }

  /** Checks what a run cannot start without; the message names the flag and the variable to set. */
  public RetrainSettings validate() {
    require(from, "--from", RetrainJob.FROM_URI);
    require(candidateVersion, "--version", RetrainJob.CANDIDATE_VERSION);
    require(recent, "--recent", RetrainJob.RECENT);
    require(output, "--out", RetrainJob.OUTPUT);
    if (maxRows < 1) {
      throw new RetrainException(RetrainJob.MAX_ROWS + " must be at least 1, got " + maxRows);
    }
    return this;
  }

  private static void require(String value, String flag, String env) {
    if (value == null || value.isBlank()) {
      throw new RetrainException("no " + flag + " given (or " + env + ")");
    }
  }

  /** The environment's value of {@code name}, or null when unset or blank. */
  public static String env(Map<String, String> env, String name) {
    String value = env.get(name);
    return value == null || value.isBlank() ? null : value.trim();
  }

  /** {@link RetrainJob#WINDOW_SECONDS} as a duration; absent: {@link #DEFAULT_WINDOW}. */
  public static Duration windowOf(String seconds) {
    if (seconds == null || seconds.isBlank()) {
      return DEFAULT_WINDOW;
    }
    try {
      long s = Long.parseLong(seconds.trim());
      if (s < 1) {
        throw new NumberFormatException();
      }
      return Duration.ofSeconds(s);
    } catch (NumberFormatException e) {
      throw new RetrainException(
          RetrainJob.WINDOW_SECONDS
              + " must be a positive number of seconds, got '"
              + seconds
              + "'");
    }
  }

  /** {@link RetrainJob#MAX_ROWS}; absent: {@link #DEFAULT_MAX_ROWS}. */
  public static int maxRowsOf(String value) {
    if (value == null || value.isBlank()) {
      return DEFAULT_MAX_ROWS;
    }
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new RetrainException(
          RetrainJob.MAX_ROWS + " must be a whole number, got '" + value + "'");
    }
  }

  /** {@link RetrainJob#NEWER_THAN} (RFC 3339); absent: null. */
  public static Instant newerThanOf(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return Instant.parse(value.trim());
    } catch (DateTimeParseException e) {
      throw new RetrainException(
          RetrainJob.NEWER_THAN
              + " must be an RFC 3339 time like 2026-12-07T08:00:00Z, got '"
              + value
              + "'");
    }
  }
}
