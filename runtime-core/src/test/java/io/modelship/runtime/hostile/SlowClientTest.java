package io.modelship.runtime.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients that send their request bodies slowly, or stop halfway, against a real {@code serve}
 * process on a pod's small heap: the probes keep answering within a kubelet's 1 s timeout, refusals
 * come at once and close the connection, a body slower than the minimum rate gets 408, and stalled
 * batch bodies leave the parsing budget to the batches that have arrived.
 */
class SlowClientTest {

  static final String TOKEN = "s3cret-token";
  static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);

  @TempDir Path tmp;

  @Test
  void hundredsOfSlowBodiesWithAndWithoutTheTokenNeverStarveTheProbes() throws Exception {
    // No minimum rate and a long deadline: the slow bodies hold what they can for the whole test.
    try (ServeProcess serve =
            ServeProcess.start(
                tmp,
                Map.of(
                    "AUTH_TOKEN",
                    TOKEN,
                    "REQUEST_BODY_MIN_RATE",
                    "0",
                    "REQUEST_BODY_TIMEOUT",
                    "120s"));
        Trickle authorised = Trickle.open(serve, 300, "/predict_batch", TOKEN, 1_000_000);
        Trickle anonymous = Trickle.open(serve, 100, "/predict_batch", null, 1_000_000)) {
      // every anonymous one is refused at once, without its body, and its connection closed
      for (Socket s : anonymous.sockets) {
        Answer answer = Answer.read(s, Duration.ofSeconds(5));
        assertThat(answer.status()).as(answer.head()).isEqualTo(401);
        assertThat(answer.head()).containsIgnoringCase("Connection: close");
        assertThat(answer.closed()).as("connection closed after the refusal").isTrue();
      }
      long worst = 0;
      for (int i = 0; i < 20; i++) {
        authorised.trickle();
        for (String probe : List.of("/health", "/ready")) {
          long start = System.nanoTime();
          HttpResponse<String> answer = serve.get(probe, PROBE_TIMEOUT);
          worst = Math.max(worst, System.nanoTime() - start);
          assertThat(answer.statusCode()).isEqualTo(200);
        }
        Thread.sleep(250);
      }
      System.out.printf(
          "probes under 300 slow authorised bodies and 100 refused ones: worst %.1f ms%n",
          worst / 1e6);
      assertThat(worst).isLessThan(PROBE_TIMEOUT.toNanos());
      assertThat(serve.process.isAlive()).isTrue();
    }
  }

  @Test
  void aBodyBelowTheMinimumRateGets408AndTheConnectionIsClosed() throws Exception {
    try (ServeProcess serve = ServeProcess.start(tmp, Map.of());
        Trickle slow = Trickle.open(serve, 1, "/predict", null, 100_000)) {
      long start = System.nanoTime();
      Answer answer = Answer.read(slow.sockets.get(0), Duration.ofSeconds(10));
      double seconds = (System.nanoTime() - start) / 1e9;
      assertThat(answer.status()).as(answer.head()).isEqualTo(408);
      assertThat(answer.body())
          .contains("request body arrived too slowly", "8192 bytes per second");
      assertThat(answer.closed()).isTrue();
      assertThat(seconds)
          .as("cut off after its first second, not after the 30 s deadline")
          .isLessThan(5);
    }
  }

  @Test
  void stalledBatchBodiesLeaveTheBudgetToBatchesThatHaveArrived() throws Exception {
    byte[] batch = batch(10_000);
    try (ServeProcess serve =
        ServeProcess.start(
            tmp, Map.of("REQUEST_BODY_MIN_RATE", "0", "REQUEST_BODY_TIMEOUT", "120s"))) {
      List<Socket> stalled = new ArrayList<>();
      try {
        for (int i = 0; i < 48; i++) { // 48 batches sent to 95% and stopped there
          Socket s = new Socket("127.0.0.1", serve.port);
          OutputStream out = s.getOutputStream();
          out.write(head("/predict_batch", null, batch.length));
          out.write(batch, 0, batch.length * 95 / 100);
          out.flush();
          stalled.add(s);
        }
        Thread.sleep(500);
        List<Future<HttpResponse<String>>> answers = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
          for (int i = 0; i < 12; i++) {
            answers.add(
                pool.submit(
                    () -> serve.post("/predict_batch", null, batch, Duration.ofSeconds(60))));
          }
        }
        for (Future<HttpResponse<String>> answer : answers) {
          assertThat(answer.get().statusCode()).as(answer.get().body()).isEqualTo(200);
          assertThat(answer.get().body()).contains("\"predictions\"");
        }
      } finally {
        for (Socket s : stalled) {
          s.close();
        }
      }
    }
  }

  /** {@code rows} iris rows as a {@code /predict_batch} body (~180 KB for 10,000). */
  static byte[] batch(int rows) {
    StringBuilder b = new StringBuilder("{\"instances\": [");
    for (int i = 0; i < rows; i++) {
      b.append(i == 0 ? "" : ",").append("[5.1,3.5,1.4,0.2]");
    }
    return b.append("]}").toString().getBytes(StandardCharsets.US_ASCII);
  }

  static byte[] head(String path, String token, long length) {
    return ("POST "
            + path
            + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
            + (token == null ? "" : "Authorization: Bearer " + token + "\r\n")
            + "Content-Length: "
            + length
            + "\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * Connections that each sent a request's head and the body's first byte, and send one more byte
   * when asked.
   */
  record Trickle(List<Socket> sockets) implements AutoCloseable {
    static Trickle open(ServeProcess serve, int count, String path, String token, long length)
        throws IOException {
      List<Socket> sockets = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        Socket s = connect(serve);
        s.getOutputStream().write(head(path, token, length));
        s.getOutputStream().write('{');
        s.getOutputStream().flush();
        sockets.add(s);
      }
      return new Trickle(sockets);
    }

    /** Connects, waiting while the server's accept queue (50 by default) is full. */
    static Socket connect(ServeProcess serve) throws IOException {
      for (int attempt = 0; ; attempt++) {
        try {
          return new Socket("127.0.0.1", serve.port);
        } catch (java.net.ConnectException e) {
          if (attempt == 100) {
            throw new IOException(
                "cannot connect; serve alive: "
                    + serve.process.isAlive()
                    + ", log:\n"
                    + java.nio.file.Files.readString(serve.log),
                e);
          }
          try {
            Thread.sleep(20);
          } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw e;
          }
        }
      }
    }

    void trickle() {
      for (Socket s : sockets) {
        try {
          s.getOutputStream().write(' ');
        } catch (IOException e) {
          // closed by the server: nothing more to send
        }
      }
    }

    @Override
    public void close() throws IOException {
      for (Socket s : sockets) {
        s.close();
      }
    }
  }

  /**
   * What a raw connection got back: the status, the head, the body, and whether the server then
   * closed it.
   */
  record Answer(int status, String head, String body, boolean closed) {
    static Answer read(Socket s, Duration timeout) throws IOException {
      s.setSoTimeout((int) timeout.toMillis());
      InputStream in = s.getInputStream();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      boolean closed = false;
      byte[] buffer = new byte[8192];
      try {
        for (int n; (n = in.read(buffer)) >= 0; ) {
          all.write(buffer, 0, n);
        }
        closed = true;
      } catch (SocketTimeoutException e) {
        closed = false;
      } catch (IOException e) { // reset after the answer: closed all the same
        closed = true;
      }
      String text = all.toString(StandardCharsets.UTF_8);
      int end = text.indexOf("\r\n\r\n");
      String head = end < 0 ? text : text.substring(0, end);
      String body = end < 0 ? "" : text.substring(end + 4);
      int status = head.startsWith("HTTP/1.1 ") ? Integer.parseInt(head.substring(9, 12)) : -1;
      return new Answer(status, head, body, closed);
    }
  }
}
