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
 * key ({@value #SIGNATURE_HEADER}: HMAC-SHA256 of the body) so no client can add rows there.
 * Feedback never waits for it: a full queue, a replica that is gone or does not answer in {@link
 * #TIMEOUT}, costs the rows, counted ({@code
 * modelship_retraining_sink_rows_total{outcome="unreachable"}}) and logged once per replica.
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

  static final Duration TIMEOUT = Duration.ofSeconds(5);

  private static final Logger LOG = LoggerFactory.getLogger(LabelForwarder.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private record Pending(InetSocketAddress home, String requestId, String label, double value) {}

  private final byte[] key;
  private final String authorization;
  private final BlockingQueue<Pending> queue;
  private final HttpClient http;
  private final AtomicLong forwarded = new AtomicLong();
  private final AtomicLong unreachable = new AtomicLong();
  private final Set<InetSocketAddress> warned = ConcurrentHashMap.newKeySet();
  private final Thread sender;
  private volatile boolean closed;

  /**
   * @param signingKey the deployment's FEEDBACK_SIGNING_KEY
   * @param authToken the pods' bearer token (AUTH_TOKEN), or null
   */
  public LabelForwarder(String signingKey, String authToken) {
    this(signingKey, authToken, QUEUE);
  }

  LabelForwarder(String signingKey, String authToken, int capacity) {
    this.key = signingKey.getBytes(StandardCharsets.UTF_8);
    this.authorization = authToken == null ? null : "Bearer " + authToken;
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(TIMEOUT)
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

  /** Queues a classifier's label for the replica at {@code home}; never blocks. */
  public void forward(InetSocketAddress home, String requestId, String label) {
    offer(new Pending(home, requestId, label, Double.NaN));
  }

  /** Queues a regressor's true value for the replica at {@code home}; never blocks. */
  public void forward(InetSocketAddress home, String requestId, double value) {
    offer(new Pending(home, requestId, null, value));
  }

  private void offer(Pending pending) {
    if (closed || !queue.offer(pending)) {
      unreachable.incrementAndGet();
    }
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
            send(entry.getKey(), labels.subList(from, Math.min(labels.size(), from + BATCH)));
          }
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        LOG.warn("cannot forward labels: {}", e.toString());
      } finally {
        batch.clear();
      }
    }
  }

  private void send(InetSocketAddress home, List<Pending> labels) throws InterruptedException {
    String where = home.getAddress().getHostAddress() + ":" + home.getPort();
    try {
      byte[] body = body(labels);
      HttpRequest.Builder request =
          HttpRequest.newBuilder(
                  URI.create(
                      "http://"
                          + (home.getAddress() instanceof java.net.Inet6Address
                              ? "[" + home.getAddress().getHostAddress() + "]"
                              : home.getAddress().getHostAddress())
                          + ":"
                          + home.getPort()
                          + PATH))
              .timeout(TIMEOUT)
              .header("Content-Type", "application/json")
              .header(SIGNATURE_HEADER, sign(key, body))
              .POST(HttpRequest.BodyPublishers.ofByteArray(body));
      if (authorization != null) {
        request.header("Authorization", authorization);
      }
      HttpResponse<byte[]> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      if (response.statusCode() != 200) {
        lost(
            home,
            labels.size(),
            "the replica at " + where + " answered HTTP " + response.statusCode());
        return;
      }
      JsonNode answer = JSON.readTree(response.body());
      long taken = answer.path("kept").asLong(0) + answer.path("notRemembered").asLong(0);
      forwarded.addAndGet(taken);
      if (taken < labels.size()) {
        lost(home, labels.size() - taken, "the replica at " + where + " refused some labels");
      }
      warned.remove(home);
    } catch (IOException e) {
      lost(home, labels.size(), "cannot reach the replica at " + where + ": " + e);
    }
  }

  private void lost(InetSocketAddress home, long rows, String why) {
    unreachable.addAndGet(rows);
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
   * Stops taking labels and sends what waits, for at most {@code TIMEOUT}; what is still queued
   * then is counted as lost.
   */
  @Override
  public void close() {
    closed = true;
    try {
      if (!sender.join(TIMEOUT.plusSeconds(1))) {
        sender.interrupt();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      sender.interrupt();
    }
    unreachable.addAndGet(queue.size());
    queue.clear();
    http.close();
  }
}
