package io.modelship.runtime.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code bench}: drives a URL with a closed loop of connections and prints throughput and latency.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Closed-loop HTTP load: each connection sends its next request when the previous one answered.",
      "Prints throughput, p50/p95/p99/max latency of 2xx answers and errors, then one line",
      "'bench: requests=… rps=… p50_ms=… p95_ms=… p99_ms=… max_ms=… errors=…'.",
      "Exits 1 when no request succeeded."
    })
public final class BenchCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--url",
      required = true,
      description = "Target URL, e.g. http://127.0.0.1:8080/predict.")
  URI url;

  @Option(
      names = {"-c", "--concurrency"},
      defaultValue = "8",
      description = "Connections, one worker each (default: ${DEFAULT-VALUE}).")
  int concurrency;

  @Option(
      names = {"-d", "--duration"},
      defaultValue = "30s",
      converter = DurationConverter.class,
      description = "Measured window: 500ms, 30s, 2m, 1h (default: ${DEFAULT-VALUE}).")
  Duration duration;

  @Option(
      names = "--warmup",
      defaultValue = "5s",
      converter = DurationConverter.class,
      description = "Load before the window, not counted (default: ${DEFAULT-VALUE}).")
  Duration warmup;

  @Option(
      names = "--timeout",
      defaultValue = "10s",
      converter = DurationConverter.class,
      description = "Per-request timeout, counted as an I/O error (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  @Option(
      names = {"-X", "--method"},
      description = "GET or POST (default: POST with a body, else GET).")
  String method;

  @ArgGroup(exclusive = true)
  BodySource bodySource;

  static final class BodySource {
    @Option(names = "--body", description = "Request body, e.g. '{\"features\":[0.1,…]}'.")
    String text;

    @Option(names = "--body-file", description = "File holding the request body.")
    Path file;
  }

  @Option(
      names = {"-H", "--header"},
      description = "Extra header K:V, repeatable.")
  List<String> headers = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    LoadGenerator.Config config = config();
    LoadGenerator generator;
    try {
      generator = new LoadGenerator(config);
    } catch (IllegalArgumentException e) {
      // HttpClient refuses some headers (Host, Connection, Content-Length…).
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    PrintWriter out = spec.commandLine().getOut();
    out.printf(
        Locale.ROOT,
        "bench: %s %s, %d connections, %s warm-up, %s window%n",
        config.method(),
        config.url(),
        config.concurrency(),
        DurationConverter.format(config.warmup()),
        DurationConverter.format(config.duration()));
    out.flush();

    LoadGenerator.Result result =
        generator.run(
            progressInterval(config.duration()),
            progress -> {
              out.printf(
                  Locale.ROOT,
                  "  %6s  %,10d requests  p99 %.3f ms (last interval)%n",
                  DurationConverter.format(progress.elapsed()),
                  progress.requests(),
                  progress.interval().getValueAtPercentile(99) / 1e6);
              out.flush();
            });
    print(out, result);
    return result.requests() > 0 && result.errors() < result.requests() ? 0 : 1;
  }

  private static Duration progressInterval(Duration window) {
    return window.compareTo(Duration.ofSeconds(20)) > 0
        ? Duration.ofSeconds(5)
        : Duration.ofSeconds(1);
  }

  static void print(PrintWriter out, LoadGenerator.Result r) {
    out.printf(
        Locale.ROOT,
        "requests     %d (plus %d warm-up, %d in flight at stop)%n",
        r.requests(),
        r.warmupRequests(),
        r.inFlightAtStop());
    out.printf(Locale.ROOT, "throughput   %.1f req/s%n", r.requestsPerSecond());
    out.printf(
        Locale.ROOT,
        "latency ms   p50 %.3f  p95 %.3f  p99 %.3f  max %.3f  (2xx answers)%n",
        r.latencyMillis(50),
        r.latencyMillis(95),
        r.latencyMillis(99),
        r.maxLatencyMillis());
    out.printf(
        Locale.ROOT,
        "errors       %d (non-2xx %d, I/O %d)%n",
        r.errors(),
        r.non2xx(),
        r.ioErrors());
    out.printf(
        Locale.ROOT,
        "bench: requests=%d rps=%.1f p50_ms=%.3f p95_ms=%.3f p99_ms=%.3f max_ms=%.3f errors=%d%n",
        r.requests(),
        r.requestsPerSecond(),
        r.latencyMillis(50),
        r.latencyMillis(95),
        r.latencyMillis(99),
        r.maxLatencyMillis(),
        r.errors());
    out.flush();
  }

  LoadGenerator.Config config() throws IOException {
    CommandLine cl = spec.commandLine();
    String scheme = url.getScheme();
    if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme)) {
      throw new ParameterException(cl, "--url must be http:// or https://, got " + url);
    }
    byte[] body = null;
    if (bodySource != null) {
      body =
          bodySource.text != null
              ? bodySource.text.getBytes(StandardCharsets.UTF_8)
              : Files.readAllBytes(bodySource.file);
    }
    String verb =
        method == null ? (body == null ? "GET" : "POST") : method.toUpperCase(Locale.ROOT);
    if (!verb.equals("GET") && !verb.equals("POST")) {
      throw new ParameterException(cl, "--method must be GET or POST, got " + method);
    }
    if (verb.equals("GET") && body != null) {
      throw new ParameterException(cl, "a GET request takes no --body");
    }
    List<Map.Entry<String, String>> parsed = new ArrayList<>();
    boolean contentType = false;
    for (String header : headers) {
      int colon = header.indexOf(':');
      if (colon <= 0) {
        throw new ParameterException(cl, "--header must be K:V, got '" + header + "'");
      }
      String name = header.substring(0, colon).trim();
      parsed.add(Map.entry(name, header.substring(colon + 1).trim()));
      contentType |= name.equalsIgnoreCase("Content-Type");
    }
    if (body != null && !contentType) {
      parsed.add(Map.entry("Content-Type", "application/json"));
    }
    if (concurrency < 1) {
      throw new ParameterException(cl, "--concurrency must be at least 1, got " + concurrency);
    }
    if (duration.isZero()) {
      throw new ParameterException(cl, "--duration must be positive");
    }
    return new LoadGenerator.Config(
        url, verb, body, parsed, concurrency, warmup, duration, timeout);
  }

  /**
   * Reads {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}, a bare number of seconds, or ISO-8601
   * {@code PT30S}.
   */
  public static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {

    private static final Pattern SHORT = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?");

    @Override
    public Duration convert(String value) {
      String text = value.trim().toLowerCase(Locale.ROOT);
      Matcher m = SHORT.matcher(text);
      if (m.matches()) {
        double amount = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        double nanosPerUnit =
            switch (unit) {
              case "ms" -> 1e6;
              case "s" -> 1e9;
              case "m" -> 60e9;
              default -> 3600e9;
            };
        return Duration.ofNanos(Math.round(amount * nanosPerUnit));
      }
      try {
        return Duration.parse(value.trim());
      } catch (DateTimeParseException e) {
        throw new CommandLine.TypeConversionException(
            "'" + value + "' is not a duration; use e.g. 500ms, 30s, 2m, 1h");
      }
    }

    static String format(Duration d) {
      long ms = d.toMillis();
      if (ms % 60_000 == 0 && ms > 0) {
        return ms / 60_000 + "m";
      }
      if (ms % 1000 == 0) {
        return ms / 1000 + "s";
      }
      return ms + "ms";
    }
  }
}
