package io.modelship.runtime.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * A closed-loop HTTP load generator: {@code concurrency} workers, each with its own HTTP/1.1 client
 * (and so its own connection), send the next request as soon as the previous one answered.
 *
 * <p>A request belongs to the phase in which it was sent. Requests sent during the warm-up are
 * counted apart; requests sent during the measured window that answer after its end are counted as
 * in flight at stop and left out of the figures, so throughput is always "answered within the
 * window / window". {@link #run()} returns only after every worker's last request came back, so
 * warm-up + measured + in flight at stop is exactly the number of requests sent.
 */
public final class LoadGenerator {

  /**
   * What to send and for how long.
   *
   * @param body request body, or {@code null} for none
   * @param headers extra request headers, in order
   */
  public record Config(
      URI url,
      String method,
      byte[] body,
      List<Map.Entry<String, String>> headers,
      int concurrency,
      Duration warmup,
      Duration duration,
      Duration requestTimeout) {

    public Config {
      if (url == null || method == null) {
        throw new IllegalArgumentException("url and method are required");
      }
      if (concurrency < 1) {
        throw new IllegalArgumentException("concurrency must be at least 1, got " + concurrency);
      }
      if (duration.isNegative() || duration.isZero()) {
        throw new IllegalArgumentException("duration must be positive, got " + duration);
      }
      if (warmup.isNegative()) {
        throw new IllegalArgumentException("warmup must not be negative, got " + warmup);
      }
      headers = List.copyOf(headers);
    }
  }

  /**
   * Figures of the measured window.
   *
   * @param requests requests sent and answered (or failed) within the window
   * @param non2xx of those, answered with a status outside 200–299
   * @param ioErrors of those, failed without an HTTP answer (refused, reset, timeout)
   * @param warmupRequests requests sent during the warm-up
   * @param inFlightAtStop requests sent during the window that answered after its end
   * @param latency latency of the window's 2xx answers, in nanoseconds
   */
  public record Result(
      long requests,
      long non2xx,
      long ioErrors,
      long warmupRequests,
      long inFlightAtStop,
      Duration window,
      Histogram latency) {

    public long errors() {
      return non2xx + ioErrors;
    }

    public double requestsPerSecond() {
      return requests / (window.toNanos() / 1e9);
    }

    /** Latency at {@code percentile} (0–100) in milliseconds. */
    public double latencyMillis(double percentile) {
      return latency.getValueAtPercentile(percentile) / 1e6;
    }

    public double maxLatencyMillis() {
      return latency.getMaxValue() / 1e6;
    }
  }

  /** One progress report, taken from the recorder's interval histogram. */
  public record Progress(Duration elapsed, long requests, Histogram interval) {}

  private static final Duration DEFAULT_PROGRESS_INTERVAL = Duration.ofSeconds(5);

  private final Config config;

  /** Built once, so that a header HttpClient refuses fails here and not inside a worker. */
  private final HttpRequest request;

  /**
   * Two significant digits is 1% resolution; auto-resizing, so no ceiling on recordable latency.
   */
  private final Recorder recorder = new Recorder(2);

  private final LongAdder measured = new LongAdder();
  private final LongAdder non2xx = new LongAdder();
  private final LongAdder ioErrors = new LongAdder();
  private final LongAdder warmup = new LongAdder();
  private final LongAdder inFlightAtStop = new LongAdder();

  private volatile long measureStart;
  private volatile long measureEnd;
  private volatile boolean stopped;

  public LoadGenerator(Config config) {
    this.config = config;
    this.request = request(config);
  }

  /** Runs warm-up and window, reporting no progress. */
  public Result run() throws InterruptedException {
    return run(DEFAULT_PROGRESS_INTERVAL, progress -> {});
  }

  /**
   * Runs warm-up and window, handing {@code onProgress} the window's figures every {@code
   * progressInterval}.
   */
  public Result run(Duration progressInterval, Consumer<Progress> onProgress)
      throws InterruptedException {
    List<HttpClient> clients = new ArrayList<>(config.concurrency());
    for (int i = 0; i < config.concurrency(); i++) {
      clients.add(
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(config.requestTimeout())
              // Complete responses on the client's selector thread instead of handing them to a
              // pool: measured 2.5x the requests/s on 2 cores, where every handoff costs CPU the
              // server under test would otherwise get.
              .executor(Runnable::run)
              .build());
    }
    // The clock starts after the clients exist: the first one initialises TLS, which takes a while.
    long start = System.nanoTime();
    measureStart = start + config.warmup().toNanos();
    measureEnd = measureStart + config.duration().toNanos();
    List<Thread> workers = new ArrayList<>(config.concurrency());
    for (int i = 0; i < config.concurrency(); i++) {
      HttpClient client = clients.get(i);
      // A handful of workers that block in send(): platform threads unpark directly, without
      // a trip through the virtual-thread scheduler.
      workers.add(Thread.ofPlatform().daemon().name("bench-worker-" + i).start(() -> work(client)));
    }

    Histogram total;
    try {
      // Only requests sent inside the window are recorded, so the first interval is empty.
      sleepUntil(measureStart);
      total = recorder.getIntervalHistogram();
      long interval = progressInterval.toNanos();
      long next = measureStart + interval;
      while (next < measureEnd) {
        sleepUntil(next);
        Histogram slice = recorder.getIntervalHistogram();
        total.add(slice);
        onProgress.accept(
            new Progress(Duration.ofNanos(next - measureStart), measured.sum(), slice));
        next += interval;
      }
      sleepUntil(measureEnd);
    } finally {
      stopped = true;
      for (Thread worker : workers) {
        worker.join();
      }
      clients.forEach(HttpClient::close);
    }
    total.add(recorder.getIntervalHistogram());

    return new Result(
        measured.sum(),
        non2xx.sum(),
        ioErrors.sum(),
        warmup.sum(),
        inFlightAtStop.sum(),
        config.duration(),
        total);
  }

  private void work(HttpClient client) {
    while (!stopped) {
      long sent = System.nanoTime();
      if (sent >= measureEnd) {
        return;
      }
      int status = -1;
      try {
        status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
      } catch (IOException e) {
        // Counted below as an I/O error; the next request opens a fresh connection.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      long answered = System.nanoTime();
      if (sent < measureStart) {
        warmup.increment();
      } else if (answered > measureEnd) {
        inFlightAtStop.increment();
      } else {
        measured.increment();
        if (status < 0) {
          ioErrors.increment();
        } else if (status < 200 || status > 299) {
          non2xx.increment();
        } else {
          recorder.recordValue(answered - sent);
        }
      }
    }
  }

  private static HttpRequest request(Config config) {
    HttpRequest.BodyPublisher body =
        config.body() == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(config.body());
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(config.url())
            .timeout(config.requestTimeout())
            .method(config.method(), body);
    for (Map.Entry<String, String> header : config.headers()) {
      builder.header(header.getKey(), header.getValue());
    }
    return builder.build();
  }

  private static void sleepUntil(long nanoTime) throws InterruptedException {
    long left;
    while ((left = nanoTime - System.nanoTime()) > 0) {
      Thread.sleep(Duration.ofNanos(left));
    }
  }
}
