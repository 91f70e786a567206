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
 * at a steady rate, drawing rows at random, and posts the true label to {@code /feedback} with the
 * answer's request_id for a share of them. Counts the answers per model version over the last ten
 * seconds, which is the traffic split clients actually saw.
 */
public final class TrafficGenerator implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WINDOW = Duration.ofSeconds(10);

  record Row(ObjectNode features, String label) {}

  /**
   * What the generator has seen: totals, the share of each version in the last ten seconds, and how
   * many requests failed for each reason (status code and body, or the connection error).
   */
  public record Stats(
      long sent,
      long ok,
      long failed,
      long feedback,
      long feedbackRefused,
      Map<String, Double> versionShare,
      Map<String, Long> failures,
      Map<String, Long> feedbackRefusals) {
    /** "none", or each reason with its count, most frequent first. */
    public String failureSummary() {
      return summary(failures);
    }

    /** "none", or each reason a label was not accepted with its count, most frequent first. */
    public String refusalSummary() {
      return summary(feedbackRefusals);
    }

    private static String summary(Map<String, Long> reasons) {
      if (reasons.isEmpty()) {
        return "none";
      }
      return reasons.entrySet().stream()
          .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
          .map(e -> e.getValue() + "× " + e.getKey())
          .collect(java.util.stream.Collectors.joining("; "));
    }
  }

  /** Distinct failure reasons kept; further ones are counted under one "other" entry. */
  private static final int MAX_REASONS = 20;

  private volatile List<Row> rows;
  private final Supplier<Optional<String>> target;
  private volatile double rps;
  private java.util.concurrent.ScheduledFuture<?> schedule;
  private final double feedbackShare;
  private final java.util.function.Function<String, Optional<String>> feedbackTarget;
  private final ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor();

  static {
    ClientConnections.keepIdleBriefly();
  }

  /**
   * Generous: on a busy 2-core machine a JVM can stall for seconds, and a client that gives up then
   * counts a request as lost that the system would have answered.
   */
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .executor(senders)
          .build();
  private final ScheduledExecutorService ticker =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().daemon().name("traffic").factory());
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong ok = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong feedback = new AtomicLong();
  private final AtomicLong feedbackRefused = new AtomicLong();
  private final Deque<long[]> recent = new ArrayDeque<>();
  private final Map<String, Integer> versionIds = new LinkedHashMap<>();
  private final Map<String, AtomicLong> failures = new java.util.concurrent.ConcurrentHashMap<>();
  private final Map<String, AtomicLong> feedbackRefusals =
      new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * Rows are drawn at random (seeded), so every version behind a weighted route sees the same mix.
   */
  private final java.util.Random pick = new java.util.Random(7);

  /**
   * @param target the base URL to send to, empty while there is none yet
   * @param feedbackShare the share of answered predictions whose true label is sent back
   * @param feedbackTarget where the feedback for an answer of a version goes (that version's pods),
   *     empty to send it where the prediction went
   */
  public TrafficGenerator(
      Path csv,
      String labelColumn,
      Supplier<Optional<String>> target,
      double rps,
      double feedbackShare,
      java.util.function.Function<String, Optional<String>> feedbackTarget)
      throws IOException {
    checkRate(rps);
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
    return List.copyOf(rows);
  }

  private static void checkRate(double rps) {
    if (rps <= 0 || rps > 10_000) {
      throw new IllegalArgumentException("--rps must be in (0, 10000], got " + rps);
    }
  }

  public synchronized TrafficGenerator start() {
    long periodMicros = Math.max(100, (long) (1_000_000 / rps));
    schedule = ticker.scheduleAtFixedRate(this::sendOne, 0, periodMicros, TimeUnit.MICROSECONDS);
    return this;
  }

  /**
   * Sends {@code rps} requests per second from now on (the autoscale scenario raises and lowers
   * it).
   */
  public synchronized void setRate(double rps) {
    checkRate(rps);
    this.rps = rps;
    if (schedule != null) {
      schedule.cancel(false);
      long periodMicros = Math.max(100, (long) (1_000_000 / rps));
      schedule =
          ticker.scheduleAtFixedRate(
              this::sendOne, periodMicros, periodMicros, TimeUnit.MICROSECONDS);
    }
  }

  /**
   * Draws its rows from {@code csv} from now on: the world the clients' data comes from has changed
   * (the retrain scenario shifts it).
   */
  public void switchTo(Path csv, String labelColumn) throws IOException {
    this.rows = read(csv, labelColumn);
  }

  /** The requests per second it sends now. */
  public double rate() {
    return rps;
  }

  private void sendOne() {
    try {
      send();
    } catch (RuntimeException e) {
      // A failed tick must not end the schedule (an exception would cancel it).
      fail("tick: " + e);
      org.slf4j.LoggerFactory.getLogger(TrafficGenerator.class).warn("traffic tick failed", e);
    }
  }

  private void send() {
    Optional<String> base = target.get();
    if (base.isEmpty()) {
      return;
    }
    // Drawn at random, not cycled: a weighted round robin in front of the pods sends every n-th
    // request to the canary, so cycling the rows would show it a fixed subset of them (15 of 150
    // at 10%), whose classes differ from the stable version's share by construction.
    List<Row> from = rows;
    Row row = from.get(pick.nextInt(from.size()));
    sent.incrementAndGet();
    ObjectNode body = JSON.createObjectNode();
    body.set("features", row.features());
    senders.submit(
        () -> {
          try {
            HttpResponse<String> response =
                http.send(
                    post(base.get() + "/predict", body), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
              fail("HTTP " + response.statusCode() + " " + abbreviate(response.body()));
              return null;
            }
            ok.incrementAndGet();
            JsonNode answer = JSON.readTree(response.body());
            count(answer.path("version").asText("?"));
            if (Math.floorMod(answer.path("request_id").asText().hashCode(), 1000)
                < feedbackShare * 1000) {
              ObjectNode fb =
                  JSON.createObjectNode()
                      .put("request_id", answer.path("request_id").asText())
                      .put("label", row.label());
              // To the version that answered, through its own Service: a pod scores only its
              // version's request ids (400 for another version's, whose answer it would judge as
              // its own model's), and the Service of the whole deployment sends to the pods of
              // every version during a canary.
              String to =
                  feedbackTarget.apply(answer.path("version").asText("")).orElse(base.get());
              // Not a client's request: a label that does not arrive (the version's Service went
              // away with its rollback) is counted apart, with its reason, never as a lost
              // prediction.
              try {
                HttpResponse<String> r =
                    http.send(post(to + "/feedback", fb), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                  feedback.incrementAndGet();
                } else {
                  refuse("HTTP " + r.statusCode() + " " + abbreviate(withoutId(r.body())));
                }
              } catch (IOException e) {
                refuse(
                    e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : ": " + abbreviate(e.getMessage())));
              }
            }
          } catch (IOException e) {
            fail(
                e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + abbreviate(e.getMessage())));
          }
          return null;
        });
  }

  private void fail(String reason) {
    failed.incrementAndGet();
    String key = failures.size() < MAX_REASONS || failures.containsKey(reason) ? reason : "other";
    failures.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
  }

  private void refuse(String reason) {
    feedbackRefused.incrementAndGet();
    String key =
        feedbackRefusals.size() < MAX_REASONS || feedbackRefusals.containsKey(reason)
            ? reason
            : "other";
    feedbackRefusals.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
  }

  /** A refusal's text without the request id it names, so one reason is counted once. */
  private static String withoutId(String text) {
    return text.replaceAll("request_id '[^']*'", "request_id '…'");
  }

  private static String abbreviate(String text) {
    String oneLine = text.replaceAll("\\s+", " ").trim();
    return oneLine.length() > 160 ? oneLine.substring(0, 160) + "…" : oneLine;
  }

  private static HttpRequest post(String url, JsonNode body) {
    return HttpRequest.newBuilder(URI.create(url))
        .timeout(TIMEOUT)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
        .build();
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
    Map<String, Long> reasons = new LinkedHashMap<>();
    failures.forEach((k, v) -> reasons.put(k, v.get()));
    Map<String, Long> refusals = new LinkedHashMap<>();
    feedbackRefusals.forEach((k, v) -> refusals.put(k, v.get()));
    return new Stats(
        sent.get(),
        ok.get(),
        failed.get(),
        feedback.get(),
        feedbackRefused.get(),
        share,
        reasons,
        refusals);
  }

  @Override
  public void close() {
    ticker.shutdownNow();
    senders.shutdownNow();
  }
}
