package io.modelship.runtime.sink;

import io.modelship.api.runtime.RuntimeEnvironment;
import io.modelship.runtime.config.Durations;
import io.modelship.runtime.storage.S3Settings;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * Where and how the pod keeps the rows that received labelled feedback ({@code
 * spec.retraining.data.sink}): a chunk is written when it holds {@code chunkBytes} of CSV or is
 * {@code chunkAge} old, whichever comes first; at most {@code pendingChunks} wait for the sink, so
 * the pod holds at most {@code (pendingChunks + 1) x chunkBytes} of rows whatever the traffic.
 *
 * @param uri {@code s3://BUCKET/PREFIX/} or {@code file:///PATH/}
 * @param s3 the store's settings for an s3:// sink (from {@code spec.model.storage})
 */
public record SinkSettings(
    String uri, S3Settings s3, long chunkBytes, Duration chunkAge, int pendingChunks) {

  public static final long DEFAULT_CHUNK_BYTES = 1024 * 1024;
  public static final Duration DEFAULT_CHUNK_AGE = Duration.ofMinutes(1);
  public static final int DEFAULT_PENDING_CHUNKS = 4;

  /** Runtime-only knobs (not set by the operator): the chunk bounds. */
  public static final String CHUNK_BYTES = "RETRAINING_SINK_CHUNK_BYTES";

  public static final String CHUNK_AGE = "RETRAINING_SINK_CHUNK_AGE";

  public SinkSettings {
    String lower = uri.toLowerCase(Locale.ROOT);
    if (!lower.startsWith("s3://") && !lower.startsWith("file:/")) {
      throw new IllegalArgumentException(
          RuntimeEnvironment.RETRAINING_SINK
              + " must be s3://BUCKET/PREFIX/ or"
              + " file:///PATH/, got '"
              + uri
              + "'");
    }
    if (chunkBytes < 1024) {
      throw new IllegalArgumentException(CHUNK_BYTES + " must be at least 1024, got " + chunkBytes);
    }
    if (pendingChunks < 1) {
      throw new IllegalArgumentException("pending chunks must be at least 1, got " + pendingChunks);
    }
  }

  /**
   * The sink the environment names, or null when {@link RuntimeEnvironment#RETRAINING_SINK} is
   * unset.
   */
  public static SinkSettings fromEnvironment(Map<String, String> env) {
    String uri = env.get(RuntimeEnvironment.RETRAINING_SINK);
    if (uri == null || uri.isBlank()) {
      return null;
    }
    String bytes = env.get(CHUNK_BYTES);
    long chunkBytes;
    try {
      chunkBytes =
          bytes == null || bytes.isBlank() ? DEFAULT_CHUNK_BYTES : Long.parseLong(bytes.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          CHUNK_BYTES + " must be a whole number, got '" + bytes + "'");
    }
    String age = env.get(CHUNK_AGE);
    Duration chunkAge =
        Durations.parse(
            age == null || age.isBlank() ? null : age.trim(), DEFAULT_CHUNK_AGE, CHUNK_AGE);
    return new SinkSettings(
        uri.trim(),
        S3Settings.fromEnvironment(env, Duration.ofSeconds(30)),
        chunkBytes,
        chunkAge,
        DEFAULT_PENDING_CHUNKS);
  }
}
