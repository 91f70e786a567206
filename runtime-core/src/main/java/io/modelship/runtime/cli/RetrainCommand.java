package io.modelship.runtime.cli;

import io.modelship.api.retraining.RetrainJob;
import io.modelship.api.retraining.RetrainResult;
import io.modelship.api.runtime.RuntimeEnvironment;
import io.modelship.runtime.retraining.ResultFile;
import io.modelship.runtime.retraining.RetrainException;
import io.modelship.runtime.retraining.RetrainSettings;
import io.modelship.runtime.retraining.Retraining;
import io.modelship.runtime.storage.S3Settings;
import io.modelship.runtime.storage.S3Store;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code retrain}: what a retraining Job runs. Every option defaults from the environment the
 * operator sets on the Job ({@link RetrainJob}), so the Job runs plain {@code retrain}; the result
 * goes to the result file (the termination message) and stdout in every outcome. Exit 0 for
 * Succeeded and NoNewData, 1 for Failed.
 */
@Command(
    name = "retrain",
    mixinStandardHelpOptions = true,
    description =
        "Retrain a Smile package's algorithm with its settings on the training data plus the"
            + " recent labelled rows; evaluate candidate and serving version on the same held-out"
            + " recent rows; print a JSON result. Options default from the RETRAIN_* environment.")
public final class RetrainCommand implements java.util.concurrent.Callable<Integer> {

  @Option(names = "--from", description = "Serving package URI (env RETRAIN_FROM_URI).")
  String from;

  @Option(names = "--sha256", description = "Its expected SHA-256 (env RETRAIN_FROM_SHA256).")
  String sha256;

  @Option(
      names = "--serving-version",
      description = "The serving version, for the result (env RETRAIN_SERVING_VERSION).")
  String servingVersion;

  @Option(
      names = "--version",
      description = "The candidate's version (env RETRAIN_CANDIDATE_VERSION).")
  String version;

  @Option(
      names = "--data",
      arity = "1..*",
      description = "Training data CSV(s): file://, s3://, http(s):// (env RETRAIN_TRAINING_DATA).")
  List<String> data;

  @Option(
      names = "--recent",
      description =
          "Sink prefix of the labelled rows: s3://B/P/ or file:///DIR/ (env RETRAIN_RECENT).")
  String recent;

  @Option(
      names = "--window-seconds",
      description = "Only rows this recent (env RETRAIN_WINDOW_SECONDS; default 7 days).")
  String windowSeconds;

  @Option(
      names = "--max-rows",
      description =
          "At most this many recent rows, the newest (env RETRAIN_MAX_ROWS; default 200000).")
  String maxRows;

  @Option(
      names = "--newer-than",
      description =
          "NoNewData unless a row is newer than this RFC 3339 time (env RETRAIN_NEWER_THAN).")
  String newerThan;

  @Option(
      names = "--out",
      description = "URI prefix for the candidate: s3://B/P/ or file:///DIR/ (env RETRAIN_OUTPUT).")
  String out;

  @Option(
      names = "--result-file",
      description =
          "Where the JSON result goes (env RETRAIN_RESULT_FILE; default /dev/termination-log).")
  Path resultFile;

  private final Map<String, String> env;
  private final Function<S3Settings, S3Store> stores;
  private final Clock clock;

  public RetrainCommand() {
    this(System.getenv(), S3Store::create, Clock.systemUTC());
  }

  /** With an environment and S3 stores of the caller's (tests, local mode). */
  public RetrainCommand(
      Map<String, String> env, Function<S3Settings, S3Store> stores, Clock clock) {
    this.env = env;
    this.stores = stores;
    this.clock = clock;
  }

  @Override
  public Integer call() {
    Path result =
        resultFile != null
            ? resultFile
            : Path.of(orEnv(null, RetrainJob.RESULT_FILE_ENV, RetrainJob.RESULT_FILE));
    RetrainResult outcome;
    try (LazyStore s3 = new LazyStore(env, stores)) {
      outcome = run(s3);
    }
    String json = ResultFile.json(outcome);
    System.out.println(json);
    try {
      ResultFile.write(outcome, result);
    } catch (UncheckedIOException e) {
      System.err.println("warning: " + e.getMessage());
    }
    return RetrainResult.FAILED.equals(outcome.outcome()) ? 1 : 0;
  }

  private RetrainResult run(Supplier<S3Store> s3) {
    RetrainSettings settings;
    Path workDir;
    long maxBytes;
    try {
      String dataEnv = RetrainSettings.env(env, RetrainJob.TRAINING_DATA);
      settings =
          new RetrainSettings(
              orEnv(from, RetrainJob.FROM_URI, null),
              orEnv(sha256, RetrainJob.FROM_SHA256, null),
              orEnv(servingVersion, RetrainJob.SERVING_VERSION, null),
              orEnv(version, RetrainJob.CANDIDATE_VERSION, null),
              data != null ? data : dataEnv == null ? List.of() : List.of(dataEnv),
              orEnv(recent, RetrainJob.RECENT, null),
              RetrainSettings.windowOf(orEnv(windowSeconds, RetrainJob.WINDOW_SECONDS, null)),
              RetrainSettings.maxRowsOf(orEnv(maxRows, RetrainJob.MAX_ROWS, null)),
              RetrainSettings.newerThanOf(orEnv(newerThan, RetrainJob.NEWER_THAN, null)),
              orEnv(out, RetrainJob.OUTPUT, null),
              null);
      String limit = RetrainSettings.env(env, RuntimeEnvironment.MODEL_MAX_DOWNLOAD_BYTES);
      maxBytes =
          limit == null ? RuntimeEnvironment.DEFAULT_MAX_DOWNLOAD_BYTES : Long.parseLong(limit);
      String base = RetrainSettings.env(env, RuntimeEnvironment.MODEL_WORK_DIR);
      Path parent = base != null ? Path.of(base) : Path.of(System.getProperty("java.io.tmpdir"));
      Files.createDirectories(parent);
      workDir = Files.createTempDirectory(parent, "retrain-");
    } catch (RetrainException e) {
      return failed(e.getMessage());
    } catch (NumberFormatException e) {
      return failed(RuntimeEnvironment.MODEL_MAX_DOWNLOAD_BYTES + " must be a whole number");
    } catch (IOException e) {
      return failed("cannot create a scratch folder: " + e);
    }
    return new Retraining(s3, workDir, maxBytes, clock).run(settings);
  }

  private static RetrainResult failed(String reason) {
    return new RetrainResult(
        RetrainResult.FAILED,
        reason,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null);
  }

  private String orEnv(String flag, String name, String fallback) {
    if (flag != null && !flag.isBlank()) {
      return flag;
    }
    String value = RetrainSettings.env(env, name);
    return value != null ? value : fallback;
  }

  /** The S3 store, made from the environment's S3_* settings when an s3:// URI first needs it. */
  private static final class LazyStore implements Supplier<S3Store>, AutoCloseable {
    private final Map<String, String> env;
    private final Function<S3Settings, S3Store> stores;
    private S3Store store;

    LazyStore(Map<String, String> env, Function<S3Settings, S3Store> stores) {
      this.env = env;
      this.stores = stores;
    }

    @Override
    public synchronized S3Store get() {
      if (store == null) {
        store = stores.apply(S3Settings.fromEnvironment(env, Duration.ofSeconds(30)));
      }
      return store;
    }

    @Override
    public synchronized void close() {
      if (store != null) {
        store.close();
      }
    }
  }
}
