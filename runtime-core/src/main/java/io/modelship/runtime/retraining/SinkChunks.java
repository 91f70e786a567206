package io.modelship.runtime.retraining;

import io.modelship.runtime.storage.S3Location;
import io.modelship.runtime.storage.S3Store;
import io.modelship.runtime.storage.StorageException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * The labelled-row chunks the serving pods wrote under a sink prefix ({@code s3://BUCKET/PREFIX/}
 * or {@code file:///DIR/}), in the format of {@code sink.LabelledRowSink}: a header of the feature
 * names then {@code prediction,label,version,time}, one line per row. Chunks are read one at a time
 * as they stream in, and only the newest {@code maxRows} rows inside the window are held.
 */
public final class SinkChunks {

  /** The column names the sink writes after the features. */
  static final String LABEL = "label";

  static final String TIME = "time";

  /** A chunk the sink wrote is about 1 MiB; anything far larger is not one. */
  static final long MAX_CHUNK_BYTES = 64L * 1024 * 1024;

  /** The seal time in a chunk's name ({@code POD-yyyyMMddTHHmmssZ-N.csv}): no row is newer. */
  private static final Pattern SEALED = Pattern.compile("-(\\d{8}T\\d{6}Z)-\\d+\\.csv$");

  private static final DateTimeFormatter SEAL_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT);

  /** What was read: the rows kept (oldest first) and how many chunks were read or skipped. */
  public record Recent(List<LabelledRow> rows, int chunksRead, int chunksSkipped) {}

  private record Chunk(String name, long size) {}

  private interface Store {
    List<Chunk> list();

    InputStream open(Chunk chunk) throws IOException;
  }

  private final String uri;
  private final Store store;

  private SinkChunks(String uri, Store store) {
    this.uri = uri;
    this.store = store;
  }

  /**
   * The chunks under {@code uri}; {@code s3} gives the store for an s3:// prefix (called only
   * then).
   */
  public static SinkChunks at(String uri, Supplier<S3Store> s3) {
    String lower = uri.toLowerCase(Locale.ROOT);
    if (lower.startsWith("s3://")) {
      S3Location prefix;
      try {
        prefix = S3Location.parse(uri.endsWith("/") ? uri : uri + "/");
      } catch (IllegalArgumentException e) {
        throw new RetrainException("recent rows: " + e.getMessage());
      }
      return new SinkChunks(uri, new S3Chunks(s3, prefix));
    }
    if (lower.startsWith("file:/")) {
      return new SinkChunks(uri, new FileChunks(Path.of(URI.create(uri))));
    }
    throw new RetrainException(
        "recent rows: '" + uri + "' is neither s3://BUCKET/PREFIX/ nor file:///DIR/");
  }

  /**
   * Reads the rows of every chunk whose time is not before {@code since} (null: all), keeping the
   * newest {@code maxRows}; each row's features are taken by name in {@code features}' order.
   */
  public Recent read(List<String> features, Instant since, int maxRows) {
    NewestRows newest = new NewestRows(maxRows);
    int read = 0;
    int skipped = 0;
    for (Chunk chunk : store.list()) {
      if (since != null && sealedBefore(chunk.name(), since)) {
        skipped++;
        continue;
      }
      if (chunk.size() > MAX_CHUNK_BYTES) {
        throw new RetrainException(
            "chunk "
                + chunk.name()
                + " is "
                + chunk.size()
                + " bytes, over the "
                + MAX_CHUNK_BYTES
                + " a sink chunk can be; is "
                + uri
                + " the sink?");
      }
      try (InputStream in = store.open(chunk)) {
        readChunk(chunk.name(), in, features, since, newest);
      } catch (IOException | UncheckedIOException e) {
        throw new RetrainException("cannot read chunk " + chunk.name() + ": " + e.getMessage(), e);
      }
      read++;
    }
    return new Recent(newest.oldestFirst(), read, skipped);
  }

  /**
   * Whether every row of the chunk is older than {@code since}, by the seal time in its name (one
   * second of slack: the name's time is cut to the second).
   */
  static boolean sealedBefore(String name, Instant since) {
    Matcher m = SEALED.matcher(name);
    if (!m.find()) {
      return false;
    }
    try {
      Instant sealed = LocalDateTime.parse(m.group(1), SEAL_TIME).toInstant(ZoneOffset.UTC);
      return sealed.plusSeconds(1).isBefore(since);
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  private static void readChunk(
      String name, InputStream in, List<String> features, Instant since, NewestRows newest)
      throws IOException {
    CSVFormat format =
        CSVFormat.DEFAULT
            .builder()
            .setHeader()
            .setSkipHeaderRecord(true)
            .setIgnoreEmptyLines(true)
            .get();
    Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8);
    CSVParser parser;
    try {
      parser = CSVParser.parse(reader, format);
    } catch (IllegalArgumentException | UncheckedIOException e) {
      throw new RetrainException(
          "chunk " + name + " line 1: not a header of a labelled-row chunk: " + e.getMessage(), e);
    }
    try (parser) {
      List<String> header = parser.getHeaderNames();
      List<String> missing = new ArrayList<>();
      for (String f : features) {
        if (!header.contains(f)) {
          missing.add(f);
        }
      }
      if (!missing.isEmpty() || !header.contains(LABEL) || !header.contains(TIME)) {
        throw new RetrainException(
            "chunk "
                + name
                + " does not match the package: its columns are "
                + header
                + ", the package's features are "
                + features
                + (missing.isEmpty() ? "" : " (missing: " + missing + ")")
                + " and a chunk needs '"
                + LABEL
                + "' and '"
                + TIME
                + "' too");
      }
      int[] columns = features.stream().mapToInt(header::indexOf).toArray();
      int label = header.indexOf(LABEL);
      int time = header.indexOf(TIME);
      for (var it = parser.iterator(); ; ) {
        CSVRecord record;
        try {
          if (!it.hasNext()) {
            break;
          }
          record = it.next();
        } catch (UncheckedIOException | IllegalStateException e) {
          throw new RetrainException(
              "chunk "
                  + name
                  + " line "
                  + parser.getCurrentLineNumber()
                  + " is not well-formed CSV: "
                  + rootMessage(e),
              e);
        }
        long line = record.getRecordNumber() + 1;
        if (record.size() != header.size()) {
          throw new RetrainException(
              "chunk "
                  + name
                  + " line "
                  + line
                  + " has "
                  + record.size()
                  + " fields, its header "
                  + header.size());
        }
        Instant at;
        try {
          at = Instant.parse(record.get(time));
        } catch (DateTimeParseException e) {
          throw new RetrainException(
              "chunk "
                  + name
                  + " line "
                  + line
                  + ": time '"
                  + record.get(time)
                  + "' is not an RFC 3339 instant");
        }
        if (since != null && at.isBefore(since)) {
          continue;
        }
        double[] row = new double[columns.length];
        for (int j = 0; j < columns.length; j++) {
          String cell = record.get(columns[j]);
          double v;
          try {
            v = Double.parseDouble(cell);
          } catch (NumberFormatException e) {
            v = Double.NaN;
          }
          if (!Double.isFinite(v)) {
            throw new RetrainException(
                "chunk "
                    + name
                    + " line "
                    + line
                    + ", column '"
                    + features.get(j)
                    + "': '"
                    + cell
                    + "' is not a finite number");
          }
          row[j] = v;
        }
        String value = record.get(label);
        if (value.isEmpty()) {
          throw new RetrainException("chunk " + name + " line " + line + ": empty label");
        }
        newest.offer(new LabelledRow(row, value, at));
      }
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return String.valueOf(root.getMessage());
  }

  private static final class S3Chunks implements Store {
    private final Supplier<S3Store> s3;
    private final S3Location prefix;

    S3Chunks(Supplier<S3Store> s3, S3Location prefix) {
      this.s3 = s3;
      this.prefix = prefix;
    }

    @Override
    public List<Chunk> list() {
      try {
        return s3.get().list(prefix).stream()
            .filter(o -> isChunkName(o.location().key()))
            .map(o -> new Chunk(o.location().toString(), o.size()))
            .toList();
      } catch (StorageException e) {
        throw new RetrainException("recent rows: " + e.getMessage(), e);
      }
    }

    @Override
    public InputStream open(Chunk chunk) {
      try {
        return s3.get().open(S3Location.parse(chunk.name()));
      } catch (StorageException e) {
        throw new RetrainException("recent rows: " + e.getMessage(), e);
      }
    }
  }

  private static final class FileChunks implements Store {
    private final Path dir;

    FileChunks(Path dir) {
      this.dir = dir;
    }

    @Override
    public List<Chunk> list() {
      if (!Files.isDirectory(dir)) {
        throw new RetrainException("recent rows: no such directory " + dir);
      }
      try (Stream<Path> tree = Files.walk(dir)) {
        return tree.filter(Files::isRegularFile)
            .filter(p -> isChunkName(p.getFileName().toString()))
            .sorted(Comparator.naturalOrder())
            .map(p -> new Chunk(p.toUri().toString(), size(p)))
            .toList();
      } catch (IOException | UncheckedIOException e) {
        throw new RetrainException("recent rows: cannot list " + dir + ": " + e.getMessage(), e);
      }
    }

    @Override
    public InputStream open(Chunk chunk) throws IOException {
      return Files.newInputStream(Path.of(URI.create(chunk.name())));
    }

    private static long size(Path p) {
      try {
        return Files.size(p);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** A chunk, not a file the sink is still writing ({@code .NAME.partial}) or anything else. */
  static boolean isChunkName(String key) {
    String name = key.substring(key.lastIndexOf('/') + 1);
    return name.endsWith(".csv") && !name.startsWith(".");
  }
}
