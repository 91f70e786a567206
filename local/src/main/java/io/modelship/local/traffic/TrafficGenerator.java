package io.modelship.local.traffic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Sends rows of a labelled CSV (header = feature names, one column the label) to {@code /predict}
 * at a steady rate, cycling through the rows, and posts the true label to {@code /feedback} with
 * the answer's request_id for a share of them. Counts the answers per model version over the last
 * ten seconds, which is the traffic split clients actually saw.
 */
public final class TrafficGenerator implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WINDOW = Duration.ofSeconds(10);

  record Row(ObjectNode features, String label) {}

  /** What the generator has seen: totals and the share of each version in the last ten seconds. */
  public record Stats(long sent, long ok, long failed, long feedback, Map<String, Double> versionShare) {}

  private final List<Row> rows;
  private final Supplier<Optional<String>> target;
  private final double rps;
  private final double feedbackShare;
  private final java.util.function.Function<String, Optional<String>> feedbackTarget;
  private final ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).executor(senders).build();
  private final ScheduledExecutorService ticker =
      Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("traffic").factory());
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong ok = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong feedback = new AtomicLong();
  private final Deque<long[]> recent = new ArrayDeque<>();
  private final Map<String, Integer> versionIds = new LinkedHashMap<>();
  private long next;

  /**
   * @param target the base URL to send to, empty while there is none yet
   * @param feedbackShare the share of answered predictions whose true label is sent back
   * @param feedbackTarget where the feedback for an answer of a version goes (that version's pods),
   *     empty to send it where the prediction went
   */
  public TrafficGenerator(Path csv, String labelColumn, Supplier<Optional<String>> target, double rps,
      double feedbackShare, java.util.function.Function<String, Optional<String>> feedbackTarget) throws IOException {
    if (rps <= 0 || rps > 10_000) {
      throw new IllegalArgumentException("--rps must be in (0, 10000], got " + rps);
    }
    this.rows = read(csv, labelColumn);
    this.target = target;
    this.rps = rps;
    this.feedbackShare = feedbackShare;
    this.feedbackTarget = feedbackTarget;
  }

  static List<Row> read(Path csv, String labelColumn) throws IOException {
    List<String> lines = Files.readAllLines(csv).stream().filter(l -> !l.isBlank()).toList();
    if (lines.size() < 2) {
      throw new IllegalArgumentException(csv + " has no data rows");
    }
    String[] header = lines.getFirst().split(",");
    int label = List.of(header).indexOf(labelColumn);
    if (label < 0) {
      throw new IllegalArgumentException(csv + " has no column " + labelColumn);
    }
    List<Row> rows = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] cells = line.split(",");
      ObjectNode features = JSON.createObjectNode();
      for (int i = 0; i < header.length; i++) {
        if (i != label) {
          features.put(header[i].trim(), Double.parseDouble(cells[i].trim()));
        }
      }
      rows.add(new Row(features, cells[label].trim()));
    }
    // A fixed shuffle, so any stretch of traffic has every class in it, not the file's sorted blocks.
    java.util.Collections.shuffle(rows, new java.util.Random(7));
    return List.copyOf(rows);
  }

  public TrafficGenerator start() {
    long periodMicros = Math.max(100, (long) (1_000_000 / rps));
    ticker.scheduleAtFixedRate(this::sendOne, 0, periodMicros, TimeUnit.MICROSECONDS);
    return this;
  }

  private void sendOne() {
    try {
      send();
    } catch (RuntimeException e) {
      // A failed tick must not end the schedule (an exception would cancel it).
      failed.incrementAndGet();
      org.slf4j.LoggerFactory.getLogger(TrafficGenerator.class).warn("traffic tick failed", e);
    }
  }

  private void send() {
    Optional<String> base = target.get();
    if (base.isEmpty()) {
      return;
    }
    Row row = rows.get((int) (next++ % rows.size()));
    sent.incrementAndGet();
    ObjectNode body = JSON.createObjectNode();
    body.set("features", row.features());
    senders.submit(() -> {
      try {
        HttpResponse<String> response = http.send(post(base.get() + "/predict", body), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
          failed.incrementAndGet();
          return null;
        }
        ok.incrementAndGet();
        JsonNode answer = JSON.readTree(response.body());
        count(answer.path("version").asText("?"));
        if (Math.floorMod(answer.path("request_id").asText().hashCode(), 1000) < feedbackShare * 1000) {
          ObjectNode fb = JSON.createObjectNode().put("request_id", answer.path("request_id").asText())
              .put("label", row.label());
          // To the version that answered: a runtime scores feedback for another pod's request id
          // as its own version's accuracy, so through the weighted route half of a bad canary's
          // labels would count against the stable version.
          String to = feedbackTarget.apply(answer.path("version").asText("")).orElse(base.get());
          HttpResponse<String> r = http.send(post(to + "/feedback", fb), HttpResponse.BodyHandlers.ofString());
          if (r.statusCode() == 200) {
            feedback.incrementAndGet();
          }
        }
      } catch (IOException e) {
        failed.incrementAndGet();
      }
      return null;
    });
  }

  private static HttpRequest post(String url, JsonNode body) {
    return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
  }

  private synchronized void count(String version) {
    int id = versionIds.computeIfAbsent(version, v -> versionIds.size());
    recent.addLast(new long[] {System.nanoTime(), id});
    trim();
  }

  private void trim() {
    long cutoff = System.nanoTime() - WINDOW.toNanos();
    while (!recent.isEmpty() && recent.peekFirst()[0] < cutoff) {
      recent.removeFirst();
    }
  }

  public synchronized Stats stats() {
    trim();
    Map<String, Double> share = new LinkedHashMap<>();
    List<String> names = new ArrayList<>(versionIds.keySet());
    for (long[] r : recent) {
      share.merge(names.get((int) r[1]), 1.0, Double::sum);
    }
    int total = recent.size();
    share.replaceAll((k, v) -> v / total);
    share.values().removeIf(v -> v == 0);
    return new Stats(sent.get(), ok.get(), failed.get(), feedback.get(), share);
  }

  @Override
  public void close() {
    ticker.shutdownNow();
    senders.shutdownNow();
  }
}
