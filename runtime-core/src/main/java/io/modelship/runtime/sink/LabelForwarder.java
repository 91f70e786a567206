package io.modelship.runtime.sink;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands a label that reached this pod for a row another replica predicted to that replica, which
 * holds the row's features and keeps the labelled row for retraining. Without it a Service that
 * spreads feedback over N replicas would keep about 1/N of the rows.
 *
 * <p>The label was already scored here (accuracy, error); the replica that predicted only keeps the
 * row. Labels wait in a bounded queue and a background thread sends them in batches, one call per
 * replica, to {@value #PATH} on the address the request id carries, signed with the deployment's
 * key ({@value #SIGNATURE_HEADER}: HMAC-SHA256 of the body) so no client can add rows there; the
 * bearer token is never sent (an old id may name an address another pod has since taken). Feedback
 * never waits for it. A label is lost — counted once, as {@code
 * modelship_retraining_sink_rows_total{outcome="unreachable"}}, and logged once per replica — when
 * its id names no replica (an older runtime's id, a pod without POD_IP) or names this pod's address
 * but an earlier process, when the queue is full, or when the replica does not take it: no
 * connection within {@link #CONNECT_TIMEOUT}, no answer within {@link #TIMEOUT}, or an answer other
 * than 200. A replica that failed is not called again for {@link #BACKOFF}: its labels are counted
 * at once, so pods gone after a rollout never hold up the labels for live ones.
 */
public final class LabelForwarder implements AutoCloseable {

  /** Where the replica that predicted a row takes its labels. */
  public static final String PATH = "/feedback/forwarded";

  public static final String SIGNATURE_HEADER = "X-Modelship-Signature";

  /** What the signature covers besides the body, so it cannot be replayed as another message. */
  private static final String SIGNATURE_SCOPE = "forwarded labels\n";

  /** How many labels may wait; beyond it a label is lost (and counted) rather than kept. */
  static final int QUEUE = 20_000;

  /** How many labels one call carries at most. */
  public static final int BATCH = 1_000;

  /** The most a batch's body may be: a full batch of labels, with room for long ids. */
  public static final long MAX_BODY_BYTES = 1024 * 1024;

  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
  static final Duration TIMEOUT = Duration.ofSeconds(5);

  /** How long a replica that failed is not called again. */
  static final Duration BACKOFF = Duration.ofSeconds(30);

  /** How much of a replica's answer is read: its counts. */
  private static final int MAX_ANSWER_BYTES = 4096;

  /** How long closing waits for the labels still queued to be sent. */
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(2);

  private static final Logger LOG = LoggerFactory.getLogger(LabelForwarder.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private record Pending(InetSocketAddress home, String requestId, String label, double value) {}

  private final byte[] key;
  private final Supplier<InetSocketAddress> self;
  private final BlockingQueue<Pending> queue;
  private final Map<InetSocketAddress, Long> failedUntilNanos = new ConcurrentHashMap<>();
  private final HttpClient http;
  private final AtomicLong forwarded = new AtomicLong();
  private final AtomicLong unreachable = new AtomicLong();
  private final Set<InetSocketAddress> warned = ConcurrentHashMap.newKeySet();
  private final Thread sender;
  private volatile boolean closed;

  /**
   * @param signingKey the deployment's FEEDBACK_SIGNING_KEY
   * @param self where this pod answers other replicas, or null while unknown
   */
  public LabelForwarder(String signingKey, Supplier<InetSocketAddress> self) {
    this(signingKey, self, QUEUE);
  }

  LabelForwarder(String signingKey, Supplier<InetSocketAddress> self, int capacity) {
    this.key = signingKey.getBytes(StandardCharsets.UTF_8);
    this.self = self;
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(CONNECT_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    this.sender = Thread.ofVirtual().name("label-forwarder").start(this::sendLoop);
  }

  /** Registers the counters on {@code registry}. */
  public LabelForwarder register(MeterRegistry registry) {
    FunctionCounter.builder("modelship_retraining_sink_rows", unreachable, AtomicLong::get)
        .description(
            "Labelled rows lost because the replica that predicted them (and holds their"
                + " features) did not take the label")
        .tag("outcome", "unreachable")
        .register(registry);
    FunctionCounter.builder("modelship_retraining_labels_forwarded", forwarded, AtomicLong::get)
        .description("Labels handed to the replica that predicted their row, which keeps the row")
        .register(registry);
    return this;
  }

  /**
   * Queues a classifier's label for the replica at {@code home} (null: the id names none); never
   * blocks.
   */
  public void forward(InetSocketAddress home, String requestId, String label) {
    offer(new Pending(home, requestId, label, Double.NaN));
  }

  /** Queues a regressor's true value for the replica at {@code home}; never blocks. */
  public void forward(InetSocketAddress home, String requestId, double value) {
    offer(new Pending(home, requestId, null, value));
  }

  private void offer(Pending pending) {
    if (pending.home() == null || pending.home().equals(self.get()) || backingOff(pending.home())) {
      // an older runtime's id, a pod without POD_IP, an earlier process at this address (the
      // features are nowhere), or a replica that failed a moment ago
      unreachable.incrementAndGet();
      return;
    }
    if (closed || !queue.offer(pending)) {
      unreachable.incrementAndGet();
    }
  }

  private boolean backingOff(InetSocketAddress home) {
    Long until = failedUntilNanos.get(home);
    if (until == null) {
      return false;
    }
    if (System.nanoTime() - until < 0) {
      return true;
    }
    failedUntilNanos.remove(home, until); // over: the map keeps only pods failing now
    return false;
  }

  /** Labels the replicas that predicted their rows took. */
  public long forwarded() {
    return forwarded.get();
  }

  /** Labels lost: the queue was full, or the replica did not answer or refused them. */
  public long unreachable() {
    return unreachable.get();
  }

  private void sendLoop() {
    List<Pending> batch = new ArrayList<>(BATCH);
    while (true) {
      int settled = 0; // labels of the batch already counted as forwarded or lost
      try {
        Pending first = queue.poll(200, TimeUnit.MILLISECONDS);
        if (first == null) {
          if (closed) {
            return;
          }
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, BATCH * 4 - 1);
        Map<InetSocketAddress, List<Pending>> byHome = new LinkedHashMap<>();
        for (Pending p : batch) {
          byHome.computeIfAbsent(p.home(), h -> new ArrayList<>()).add(p);
        }
        for (var entry : byHome.entrySet()) {
          List<Pending> labels = entry.getValue();
          for (int from = 0; from < labels.size(); from += BATCH) {
            List<Pending> part = labels.subList(from, Math.min(labels.size(), from + BATCH));
            send(entry.getKey(), part);
            settled += part.size();
          }
        }
      } catch (InterruptedException e) {
        unreachable.addAndGet(batch.size() - settled);
        return;
      } catch (RuntimeException e) {
        unreachable.addAndGet(batch.size() - settled);
        LOG.warn("cannot forward labels: {}", e.toString());
      } finally {
        batch.clear();
      }
    }
  }

  private void send(InetSocketAddress home, List<Pending> labels) throws InterruptedException {
    if (backingOff(home)) {
      unreachable.addAndGet(labels.size());
      return;
    }
    String host =
        home.getAddress() instanceof java.net.Inet6Address
            ? "[" + home.getAddress().getHostAddress() + "]"
            : home.getAddress().getHostAddress();
    String where = host + ":" + home.getPort();
    try {
      byte[] body = body(labels);
      HttpRequest request =
          HttpRequest.newBuilder(URI.create("http://" + where + PATH))
              .timeout(TIMEOUT)
              .header("Content-Type", "application/json")
              .header(SIGNATURE_HEADER, sign(key, body))
              .POST(HttpRequest.BodyPublishers.ofByteArray(body))
              .build();
      HttpResponse<java.io.InputStream> response =
          http.send(request, HttpResponse.BodyHandlers.ofInputStream());
      byte[] answerBytes;
      try (java.io.InputStream in = response.body()) {
        answerBytes = in.readNBytes(MAX_ANSWER_BYTES);
      }
      if (response.statusCode() != 200) {
        lost(
            home,
            labels.size(),
            "the replica at " + where + " answered HTTP " + response.statusCode(),
            true);
        return;
      }
      JsonNode answer = JSON.readTree(answerBytes);
      // taken: kept, forgotten there (and counted there), or a repeat of a label kept before
      long taken =
          Math.min(
              labels.size(),
              answer.path("kept").asLong(0)
                  + answer.path("notRemembered").asLong(0)
                  + answer.path("duplicate").asLong(0));
      forwarded.addAndGet(taken);
      failedUntilNanos.remove(home);
      if (taken < labels.size()) {
        lost(
            home,
            labels.size() - taken,
            "the replica at " + where + " did not issue some of the ids (a later process there?)",
            false);
      } else {
        warned.remove(home);
      }
    } catch (IOException e) {
      lost(home, labels.size(), "cannot reach the replica at " + where + ": " + e, true);
    }
  }

  private void lost(InetSocketAddress home, long rows, String why, boolean backOff) {
    unreachable.addAndGet(rows);
    if (backOff) {
      failedUntilNanos.put(home, System.nanoTime() + BACKOFF.toNanos());
    }
    if (warned.add(home)) {
      LOG.warn(
          "{}: {} labelled row(s) of its predictions lost (further losses there are counted in"
              + " modelship_retraining_sink_rows_total{{outcome=\"unreachable\"}})",
          why,
          rows);
    }
  }

  private static byte[] body(List<Pending> labels) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(labels.size() * 96);
    try (JsonGenerator json = JSON.getFactory().createGenerator(out)) {
      json.writeStartObject();
      json.writeArrayFieldStart("labels");
      for (Pending p : labels) {
        json.writeStartObject();
        json.writeStringField("request_id", p.requestId());
        if (p.label() != null) {
          json.writeStringField("label", p.label());
        } else {
          json.writeNumberField("value", p.value());
        }
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeEndObject();
    }
    return out.toByteArray();
  }

  /** The signature of {@code body} with the deployment's key, as {@value #SIGNATURE_HEADER}. */
  public static String sign(byte[] key, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      mac.update(SIGNATURE_SCOPE.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is unavailable", e);
    }
  }

  /** Whether {@code signature} is the deployment's signature of {@code body}. */
  public static boolean verify(String signingKey, byte[] body, String signature) {
    if (signature == null) {
      return false;
    }
    byte[] expected =
        sign(signingKey.getBytes(StandardCharsets.UTF_8), body).getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(expected, signature.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Stops taking labels and sends what waits, for at most {@link #CLOSE_WAIT} (the pod's grace
   * period is shared with the drain and the sink's last chunk); what is not sent by then is counted
   * as lost.
   */
  @Override
  public void close() {
    closed = true;
    try {
      if (!sender.join(CLOSE_WAIT)) {
        sender.interrupt();
        http.shutdownNow();
        sender.join(CLOSE_WAIT);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      sender.interrupt();
    }
    List<Pending> left = new ArrayList<>();
    queue.drainTo(left);
    unreachable.addAndGet(left.size());
    http.shutdownNow();
  }
}
