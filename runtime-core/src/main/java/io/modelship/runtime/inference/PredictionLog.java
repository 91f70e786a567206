package io.modelship.runtime.inference;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/** An optional sampled log of predictions as JSON lines, for offline analysis and labelling. */
final class PredictionLog implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final BufferedWriter out;
  private final double sampleRate;

  PredictionLog(Path file, double sampleRate) {
    try {
      if (file.getParent() != null) {
        Files.createDirectories(file.getParent());
      }
      this.out =
          Files.newBufferedWriter(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the prediction log " + file, e);
    }
    this.sampleRate = sampleRate;
  }

  /**
   * Whether to log the next prediction: true for a share {@code sampleRate} of calls, at random.
   */
  boolean sampled() {
    return ThreadLocalRandom.current().nextDouble() < sampleRate;
  }

  /**
   * Logs a prediction {@link #sampled} picked: a label with its confidence, or a regressor's value
   * (confidence null).
   */
  void write(String requestId, double[] row, Object prediction, Double confidence) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("time", Instant.now().toString());
    line.put("request_id", requestId);
    line.put("features", row);
    line.put("prediction", prediction);
    if (confidence != null) {
      line.put("confidence", confidence);
    }
    try {
      String json = JSON.writeValueAsString(line);
      synchronized (out) {
        out.write(json);
        out.newLine();
        out.flush();
      }
    } catch (IOException e) {
      // A full disk must not fail predictions; the log is best effort by design.
    }
  }

  @Override
  public void close() throws IOException {
    synchronized (out) {
      out.close();
    }
  }
}
