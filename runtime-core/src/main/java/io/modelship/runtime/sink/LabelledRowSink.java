package io.modelship.runtime.sink;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.modelship.runtime.storage.S3Location;
import io.modelship.runtime.storage.S3Store;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the rows this pod predicted that later received labelled feedback — features, prediction,
 * label, model version, time — and appends them to the sink as CSV chunks (a header line, then one
 * line per row). A request only adds a line to the open chunk under a short lock; a background
 * thread writes a chunk once it holds {@link SinkSettings#chunkBytes()} or is {@link
 * SinkSettings#chunkAge()} old. At most {@link SinkSettings#pendingChunks()} finished chunks wait
 * for the sink: when it is down or slow, the oldest waiting rows are dropped and counted (metrics,
 * RuntimeReport), never a request delayed or failed, and memory stays bounded.
 */
public final class LabelledRowSink implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LabelledRowSink.class);
  private static final DateTimeFormatter CHUNK_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

  private record Chunk(String name, byte[] csv, int rows) {}

  private final SinkSettings settings;
  private final ChunkWriter writer;
  private final String version;
  private final String pod;
  private final String header;
  private final ArrayDeque<Chunk> pending = new ArrayDeque<>();
  private final AtomicLong rowsWritten = new AtomicLong();
  private final AtomicLong rowsDropped = new AtomicLong();
  private final AtomicLong chunksWritten = new AtomicLong();
  private final AtomicLong chunksFailed = new AtomicLong();
  private final Thread flusher;

  /** Chunks the background writer has taken from the queue and not yet written or counted. */
  private int writing;

  private volatile String lastError;
  private volatile boolean closed;

  private StringBuilder open;
  private int openRows;
  private long openedAtNanos;
  private long chunkNumber;

  public LabelledRowSink(
      SinkSettings settings,
      ChunkWriter writer,
      List<String> featureNames,
      String version,
      String pod) {
    this.settings = settings;
    this.writer = writer;
    this.version = version;
    this.pod = pod == null || pod.isBlank() ? "pod" : pod.replaceAll("[^A-Za-z0-9._-]", "_");
    StringBuilder h = new StringBuilder();
    for (String name : featureNames) {
      h.append(csv(name)).append(',');
    }
    this.header = h.append("prediction,label,version,time\n").toString();
    this.flusher = Thread.ofVirtual().name("labelled-row-sink").start(this::flushLoop);
  }

  /**
   * The sink {@code settings} name: an S3 prefix (with {@code spec.model.storage}) or a directory.
   */
  public static LabelledRowSink open(
      SinkSettings settings, List<String> featureNames, String version, String pod) {
    ChunkWriter writer;
    if (settings.uri().toLowerCase(Locale.ROOT).startsWith("s3://")) {
      S3Location prefix =
          S3Location.parse(settings.uri().endsWith("/") ? settings.uri() : settings.uri() + "/");
      writer = new S3ChunkWriter(S3Store.create(settings.s3()), prefix, true);
    } else {
      writer = new FileChunkWriter(Path.of(java.net.URI.create(settings.uri())));
    }
    return new LabelledRowSink(settings, writer, featureNames, version, pod);
  }

  /** Registers the sink's counters on {@code registry}. */
  public LabelledRowSink register(MeterRegistry registry) {
    FunctionCounter.builder("modelship_retraining_sink_rows", rowsWritten, AtomicLong::get)
        .description("Labelled rows written to the retraining sink")
        .tag("outcome", "written")
        .register(registry);
    FunctionCounter.builder("modelship_retraining_sink_rows", rowsDropped, AtomicLong::get)
        .description("Labelled rows lost because the retraining sink did not take them in time")
        .tag("outcome", "dropped")
        .register(registry);
    FunctionCounter.builder(
            "modelship_retraining_sink_chunk_failures", chunksFailed, AtomicLong::get)
        .description("Chunks the retraining sink refused or did not answer for")
        .register(registry);
    return this;
  }

  /** Adds a labelled row; never blocks on the sink. */
  public void append(double[] features, String prediction, String label, Instant time) {
    StringBuilder line = new StringBuilder(features.length * 8 + 64);
    for (double v : features) {
      line.append(v).append(',');
    }
    line.append(csv(prediction))
        .append(',')
        .append(csv(label))
        .append(',')
        .append(csv(version))
        .append(',')
        .append(time)
        .append('\n');
    synchronized (this) {
      if (closed) {
        rowsDropped.incrementAndGet();
        return;
      }
      if (open == null) {
        open = new StringBuilder(header);
        openRows = 0;
        openedAtNanos = System.nanoTime();
      }
      open.append(line);
      openRows++;
      if (open.length() >= settings.chunkBytes()) {
        seal();
      }
    }
  }

  /**
   * Finishes the open chunk and queues it; the oldest queued chunk makes room when the queue is
   * full.
   */
  private void seal() {
    if (open == null || openRows == 0) {
      return;
    }
    String name =
        version
            + "/"
            + pod
            + "-"
            + CHUNK_TIME.format(Instant.now())
            + "-"
            + (chunkNumber++)
            + ".csv";
    Chunk chunk = new Chunk(name, open.toString().getBytes(StandardCharsets.UTF_8), openRows);
    open = null;
    openRows = 0;
    if (pending.size() >= settings.pendingChunks()) {
      Chunk lost = pending.removeFirst();
      rowsDropped.addAndGet(lost.rows());
    }
    pending.addLast(chunk);
    notifyAll();
  }

  private void flushLoop() {
    long tick = Math.max(10, Math.min(settings.chunkAge().toMillis(), 1000));
    while (!closed) {
      Chunk next;
      synchronized (this) {
        if (open != null && System.nanoTime() - openedAtNanos >= settings.chunkAge().toNanos()) {
          seal();
        }
        next = pending.pollFirst();
        if (next == null) {
          try {
            wait(tick);
          } catch (InterruptedException e) {
            return;
          }
          continue;
        }
        writing++;
      }
      try {
        write(next);
      } finally {
        synchronized (this) {
          writing--;
          notifyAll();
        }
      }
    }
  }

  private void write(Chunk chunk) {
    try {
      writer.write(chunk.name(), chunk.csv());
      rowsWritten.addAndGet(chunk.rows());
      chunksWritten.incrementAndGet();
    } catch (Exception e) {
      rowsDropped.addAndGet(chunk.rows());
      chunksFailed.incrementAndGet();
      String message =
          "writing "
              + chunk.rows()
              + " labelled row(s) to "
              + writer.describe()
              + " failed: "
              + e.getMessage();
      if (!message.equals(lastError)) {
        LOG.warn("{} (further rows are counted as dropped until it recovers)", message);
      }
      lastError = message;
    }
  }

  /**
   * Seals the open chunk and writes everything waiting, now (at shutdown, and for tests), and waits
   * for the chunk the background writer may have in hand, so the counts are final.
   */
  public void flush() {
    while (true) {
      Chunk next;
      synchronized (this) {
        seal();
        next = pending.pollFirst();
        if (next == null) {
          while (writing > 0) {
            try {
              wait(100);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              return;
            }
          }
          return;
        }
      }
      write(next);
    }
  }

  public long rowsWritten() {
    return rowsWritten.get();
  }

  public long rowsDropped() {
    return rowsDropped.get();
  }

  public long chunksFailed() {
    return chunksFailed.get();
  }

  /** The last failure's message, or null. */
  public String lastError() {
    return lastError;
  }

  /** The CSV characters this sink holds now (open and waiting chunks): what bounds its memory. */
  public synchronized long bufferedChars() {
    long total = open == null ? 0 : open.length();
    for (Chunk c : pending) {
      total += c.csv().length;
    }
    return total;
  }

  @Override
  public void close() {
    flusher.interrupt();
    try {
      flusher.join(Duration.ofSeconds(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    flush(); // the rows kept so far, before the pod goes
    synchronized (this) {
      closed = true;
    }
    writer.close();
  }

  private static String csv(String value) {
    if (value == null) {
      return "";
    }
    if (value.indexOf(',') >= 0
        || value.indexOf('"') >= 0
        || value.indexOf('\n') >= 0
        || value.indexOf('\r') >= 0) {
      return '"' + value.replace("\"", "\"\"") + '"';
    }
    return value;
  }
}
