package io.modelship.runtime.server;

import io.modelship.api.runtime.RuntimeEnvironment;
import io.modelship.drift.DriftStatistic;
import io.modelship.drift.DriftThresholds;
import io.modelship.runtime.config.Durations;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;

/**
 * Everything {@code serve} can be told. It is read from environment variables (the names the
 * operator sets); command-line flags are mapped onto the same names and win. Defaults suit a pod.
 */
public record ServeConfig(
    String modelUri,
    String modelSha256,
    String modelVersion,
    String host,
    int port,
    boolean virtualThreads,
    long maxBodyBytes,
    int maxBatchRows,
    boolean monitoring,
    DriftStatistic driftMethod,
    int driftWindowSize,
    int driftMinSamples,
    int accuracyMinSamples,
    double driftWarning,
    double driftThreshold,
    double accuracyMaxDrop,
    int rememberedPredictions,
    String authToken,
    String feedbackSigningKey,
    double rateLimitPerSecond,
    int cacheSize,
    Path predictionLog,
    double predictionLogSampleRate,
    Path workDir,
    Duration modelLoadTimeout,
    Path pvcRoot,
    long maxDownloadBytes,
    boolean crossHostRedirects,
    Duration shutdownDelay,
    Duration drainTimeout,
    BodyTiming bodyTiming,
    Reporting reporting,
    io.modelship.runtime.sink.SinkSettings retrainingSink,
    String podIp) {

  public static final long DEFAULT_MAX_BODY_BYTES = 8L * 1024 * 1024;

  /** How long download, checks and model load may take before {@code /ready} says it failed. */
  public static final Duration DEFAULT_MODEL_LOAD_TIMEOUT = Duration.ofMinutes(5);

  /**
   * The default of {@link BodyTiming#timeout()}: a whole 8 MiB body at the minimum rate takes ~17
   * min, so this bounds it.
   */
  public static final Duration DEFAULT_BODY_TIMEOUT = Duration.ofSeconds(30);

  /**
   * The default of {@link BodyTiming#minBytesPerSecond()}: a phone on a bad link sends more than
   * this.
   */
  public static final long DEFAULT_BODY_MIN_RATE = 8 * 1024;

  /**
   * How slowly a request body may arrive: all of it within {@code timeout}, and after the first
   * second at least {@code minBytesPerSecond} on average; otherwise 408 and the connection is
   * closed.
   */
  public record BodyTiming(Duration timeout, long minBytesPerSecond) {}

  /** Where this pod reports its statistics on the ModelDeployment; absent outside a cluster. */
  public record Reporting(
      String podName,
      String podUid,
      String namespace,
      String modelDeployment,
      String modelDeploymentUid,
      Duration interval) {
    public boolean enabled() {
      return podName != null && podUid != null && namespace != null && modelDeployment != null;
    }
  }

  /** Reads the environment variables the operator sets (names in the runtime README). */
  public static ServeConfig fromEnvironment(Map<String, String> env) {
    Function<String, String> get =
        name -> {
          String v = env.get(name);
          return v == null || v.isBlank() ? null : v.trim();
        };
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    int driftWindow =
        parseInt(
            get.apply(RuntimeEnvironment.DRIFT_WINDOW_SIZE),
            RuntimeEnvironment.DEFAULT_DRIFT_WINDOW_SIZE,
            RuntimeEnvironment.DRIFT_WINDOW_SIZE);
    return new ServeConfig(
        get.apply(RuntimeEnvironment.MODEL_URI),
        get.apply(RuntimeEnvironment.MODEL_SHA256),
        get.apply(RuntimeEnvironment.MODEL_VERSION),
        orDefault(get.apply("HOST"), "0.0.0.0"),
        parseInt(
            get.apply(RuntimeEnvironment.PORT),
            RuntimeEnvironment.DEFAULT_PORT,
            RuntimeEnvironment.PORT),
        "true".equalsIgnoreCase(get.apply("VIRTUAL_THREADS")),
        parseLong(get.apply("MAX_BODY_BYTES"), DEFAULT_MAX_BODY_BYTES, "MAX_BODY_BYTES"),
        parseInt(get.apply("MAX_BATCH_ROWS"), 10_000, "MAX_BATCH_ROWS"),
        !"false".equalsIgnoreCase(get.apply("MONITORING_ENABLED")),
        DriftStatistic.parse(
            orDefault(
                get.apply(RuntimeEnvironment.DRIFT_METHOD),
                RuntimeEnvironment.DEFAULT_DRIFT_METHOD)),
        driftWindow,
        parseInt(
            get.apply(RuntimeEnvironment.DRIFT_MIN_SAMPLES),
            DriftThresholds.defaultDriftMinSamples(driftWindow),
            RuntimeEnvironment.DRIFT_MIN_SAMPLES),
        parseInt(
            get.apply(RuntimeEnvironment.ACCURACY_MIN_SAMPLES),
            DriftThresholds.DEFAULT_ACCURACY_MIN_SAMPLES,
            RuntimeEnvironment.ACCURACY_MIN_SAMPLES),
        parseDouble(
            get.apply(RuntimeEnvironment.DRIFT_WARNING),
            RuntimeEnvironment.DEFAULT_DRIFT_WARNING,
            RuntimeEnvironment.DRIFT_WARNING),
        parseDouble(
            get.apply(RuntimeEnvironment.DRIFT_THRESHOLD),
            RuntimeEnvironment.DEFAULT_DRIFT_THRESHOLD,
            RuntimeEnvironment.DRIFT_THRESHOLD),
        parseDouble(
            get.apply(RuntimeEnvironment.ACCURACY_MAX_DROP),
            RuntimeEnvironment.DEFAULT_ACCURACY_MAX_DROP,
            RuntimeEnvironment.ACCURACY_MAX_DROP),
        parseInt(
            get.apply("FEEDBACK_REMEMBERED_PREDICTIONS"),
            10_000,
            "FEEDBACK_REMEMBERED_PREDICTIONS"),
        authToken(env),
        get.apply(RuntimeEnvironment.FEEDBACK_SIGNING_KEY),
        parseDouble(get.apply("RATE_LIMIT_RPS"), 0, "RATE_LIMIT_RPS"),
        parseInt(get.apply("PREDICTION_CACHE_SIZE"), 0, "PREDICTION_CACHE_SIZE"),
        get.apply("PREDICTION_LOG") == null ? null : Path.of(get.apply("PREDICTION_LOG")),
        parseDouble(get.apply("PREDICTION_LOG_SAMPLE_RATE"), 0.01, "PREDICTION_LOG_SAMPLE_RATE"),
        get.apply(RuntimeEnvironment.MODEL_WORK_DIR) == null
            ? tmp.resolve("modelship")
            : Path.of(get.apply(RuntimeEnvironment.MODEL_WORK_DIR)),
        parseDuration(
            get.apply(RuntimeEnvironment.MODEL_LOAD_TIMEOUT),
            DEFAULT_MODEL_LOAD_TIMEOUT,
            RuntimeEnvironment.MODEL_LOAD_TIMEOUT),
        Path.of(orDefault(get.apply("MODEL_PVC_ROOT"), "/mnt/models")),
        parseLong(
            get.apply(RuntimeEnvironment.MODEL_MAX_DOWNLOAD_BYTES),
            RuntimeEnvironment.DEFAULT_MAX_DOWNLOAD_BYTES,
            RuntimeEnvironment.MODEL_MAX_DOWNLOAD_BYTES),
        "true".equalsIgnoreCase(get.apply("MODEL_ALLOW_CROSS_HOST_REDIRECTS")),
        Duration.ofSeconds(
            parseInt(
                get.apply(RuntimeEnvironment.SHUTDOWN_DELAY_SECONDS),
                0,
                RuntimeEnvironment.SHUTDOWN_DELAY_SECONDS)),
        Duration.ofSeconds(
            parseInt(get.apply("DRAIN_TIMEOUT_SECONDS"), 20, "DRAIN_TIMEOUT_SECONDS")),
        new BodyTiming(
            parseDuration(
                get.apply("REQUEST_BODY_TIMEOUT"), DEFAULT_BODY_TIMEOUT, "REQUEST_BODY_TIMEOUT"),
            parseLong(
                get.apply("REQUEST_BODY_MIN_RATE"),
                DEFAULT_BODY_MIN_RATE,
                "REQUEST_BODY_MIN_RATE")),
        new Reporting(
            get.apply(RuntimeEnvironment.POD_NAME),
            get.apply(RuntimeEnvironment.POD_UID),
            get.apply(RuntimeEnvironment.POD_NAMESPACE),
            get.apply(RuntimeEnvironment.MODELDEPLOYMENT_NAME),
            get.apply(RuntimeEnvironment.MODELDEPLOYMENT_UID),
            Duration.ofSeconds(
                parseInt(
                    get.apply(RuntimeEnvironment.REPORT_INTERVAL_SECONDS),
                    RuntimeEnvironment.DEFAULT_REPORT_INTERVAL_SECONDS,
                    RuntimeEnvironment.REPORT_INTERVAL_SECONDS))),
        io.modelship.runtime.sink.SinkSettings.fromEnvironment(env),
        get.apply(RuntimeEnvironment.POD_IP));
  }

  /**
   * The bearer token, or null when {@code AUTH_TOKEN} is not set at all. A token that is set but
   * empty (an empty Secret key, an empty token file) is refused: treating it as "no auth" would
   * leave the pod open because of a mistake nobody sees.
   */
  private static String authToken(Map<String, String> env) {
    String token = env.get("AUTH_TOKEN");
    if (token == null) {
      return null;
    }
    if (token.isBlank()) {
      throw new IllegalArgumentException(
          "AUTH_TOKEN is set but empty (an empty Secret key or token file?); set a"
              + " token, or leave AUTH_TOKEN unset to serve without auth");
    }
    return token.trim();
  }

  /** Checks ranges so a typo fails at start with the name of the setting. */
  public ServeConfig validate() {
    check(port >= 0 && port <= 65535, "port must be 0-65535, got " + port);
    check(maxBodyBytes > 0, "max body bytes must be positive");
    check(maxBatchRows > 0, "max batch rows must be positive");
    check(driftWindowSize > 0, "drift window size must be positive");
    check(
        driftMinSamples >= 0 && driftMinSamples <= driftWindowSize,
        "DRIFT_MIN_SAMPLES must be within 0..DRIFT_WINDOW_SIZE ("
            + driftWindowSize
            + "), got "
            + driftMinSamples);
    check(
        accuracyMinSamples >= 0 && accuracyMinSamples <= 1000,
        "ACCURACY_MIN_SAMPLES must be within 0..1000 (the feedback window), got "
            + accuracyMinSamples);
    check(
        driftWarning >= 0 && driftWarning <= driftThreshold,
        "drift thresholds need 0 <= warning <= threshold, got "
            + driftWarning
            + " and "
            + driftThreshold);
    check(accuracyMaxDrop >= 0 && accuracyMaxDrop <= 1, "accuracy max drop must be within 0..1");
    check(
        rateLimitPerSecond == 0 || rateLimitPerSecond >= 1,
        "rate limit must be 0 (off) or at least 1 request per second, got " + rateLimitPerSecond);
    check(
        feedbackSigningKey == null || feedbackSigningKey.length() >= 16,
        "FEEDBACK_SIGNING_KEY must be at least 16 characters (it signs request ids)");
    check(
        bodyTiming.minBytesPerSecond() >= 0,
        "REQUEST_BODY_MIN_RATE must not be negative (0 = no minimum), got "
            + bodyTiming.minBytesPerSecond());
    check(cacheSize >= 0, "prediction cache size must not be negative");
    check(
        predictionLogSampleRate >= 0 && predictionLogSampleRate <= 1,
        "prediction log sample rate must be 0..1");
    return this;
  }

  private static void check(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  private static String orDefault(String value, String fallback) {
    return value == null ? fallback : value;
  }

  private static int parseInt(String value, int fallback, String name) {
    return (int) parseLong(value, fallback, name);
  }

  private static long parseLong(String value, long fallback, String name) {
    try {
      return value == null ? fallback : Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a whole number, got '" + value + "'");
    }
  }

  /** As {@link Durations#parse}. */
  public static Duration parseDuration(String value, Duration fallback, String name) {
    return Durations.parse(value, fallback, name);
  }

  private static double parseDouble(String value, double fallback, String name) {
    try {
      return value == null ? fallback : Double.parseDouble(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a number, got '" + value + "'");
    }
  }
}
