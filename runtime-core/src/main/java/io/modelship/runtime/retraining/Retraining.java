package io.modelship.runtime.retraining;

import io.modelship.api.retraining.RetrainResult;
import io.modelship.api.runtime.UriRedaction;
import io.modelship.runtime.format.ModelPackageException;
import io.modelship.runtime.model.Checksums;
import io.modelship.runtime.model.ModelManifest;
import io.modelship.runtime.model.ModelPackage;
import io.modelship.runtime.model.PackageArchive;
import io.modelship.runtime.model.PackageSource;
import io.modelship.runtime.storage.S3Store;
import io.modelship.runtime.storage.StorageException;
import io.modelship.runtime.training.LabeledTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One retraining run, in order: load the serving package (verified as the server loads it), read
 * the recent labelled rows in the window, end with NoNewData when none is newer than the last
 * run's, hold out the newest, train the serving package's algorithm with its settings on the
 * training data plus the rest, write the candidate, upload it, load it back from where it went and
 * evaluate it and the serving version on the same held-out rows. Every outcome is a {@link
 * RetrainResult}; nothing is thrown.
 */
public final class Retraining {

  /** Progress for the Job's log (stderr); the result alone goes to stdout. */
  private static final Logger LOG = LoggerFactory.getLogger(Retraining.class);

  /** The reason an ONNX package gets: only the user's own image can retrain it. */
  public static final String ONNX_REASON =
      "an ONNX package is retrained only by your own image: set spec.retraining.job.image and"
          + " command (docs/retraining-job.md)";

  private final Supplier<S3Store> s3;
  private final Path workDir;
  private final long maxDownloadBytes;
  private final Clock clock;

  /**
   * @param s3 the store for s3:// URIs (asked for only when one comes)
   * @param workDir scratch space for downloads and the candidate; emptied afterwards
   * @param maxDownloadBytes the largest package or training data accepted
   */
  public Retraining(Supplier<S3Store> s3, Path workDir, long maxDownloadBytes, Clock clock) {
    this.s3 = s3;
    this.workDir = workDir;
    this.maxDownloadBytes = maxDownloadBytes;
    this.clock = clock;
  }

  /** Runs once; the result says how it ended. */
  public RetrainResult run(RetrainSettings settings) {
    Progress progress = new Progress();
    try {
      Files.createDirectories(workDir);
      return run(settings.validate(), progress);
    } catch (RetrainException
        | ModelPackageException
        | StorageException
        | IllegalArgumentException
        | UncheckedIOException e) {
      return progress.end(RetrainResult.FAILED, UriRedaction.redact(e.getMessage()));
    } catch (IOException e) {
      return progress.end(
          RetrainResult.FAILED, "cannot create the scratch folder " + workDir + ": " + e);
    } catch (RuntimeException e) {
      return progress.end(RetrainResult.FAILED, UriRedaction.redact(e.toString()));
    } catch (OutOfMemoryError e) {
      return progress.end(
          RetrainResult.FAILED,
          "out of memory: lower RETRAIN_MAX_ROWS (spec.retraining.data.maxRows) or raise the"
              + " Job's memory limit");
    } finally {
      try {
        if (Files.exists(workDir)) {
          ModelPackage.deleteTree(workDir);
        }
      } catch (IOException e) {
        // scratch space of a Job pod, gone with it
      }
    }
  }

  private RetrainResult run(RetrainSettings settings, Progress progress) {
    progress.version = settings.candidateVersion();
    try (ModelPackage serving = load(settings.from(), settings.fromSha256(), "serving package")) {
      ModelManifest m = serving.manifest();
      LOG.info(
          "loaded the serving package {} {} ({} {})",
          m.name(),
          m.version(),
          m.format(),
          m.algorithm());
      if ("onnx".equals(m.format())) {
        throw new RetrainException(ONNX_REASON);
      }
      Retrainer retrainer = Retrainer.forFormat(m.format());
      if (retrainer == null) {
        throw new RetrainException(
            "this runtime cannot retrain a '"
                + m.format()
                + "' package (no retrainer for it in this build); set"
                + " spec.retraining.job.image and command (docs/retraining-job.md)");
      }
      if (m.target() == null || m.target().isBlank()) {
        throw new RetrainException(
            "the serving package's model.json names no target column, so its training data"
                + " cannot be read");
      }
      progress.metric = Evaluation.metricOf(m);

      Instant now = clock.instant();
      Instant since = settings.window() == null ? null : now.minus(settings.window());
      SinkChunks.Recent recent =
          SinkChunks.at(settings.recent(), s3).read(m.featureNames(), since, settings.maxRows());
      List<LabelledRow> rows = recent.rows();
      progress.recentRows = rows.size();
      LOG.info(
          "kept {} recent labelled row(s) from {} chunk(s) ({} sealed before the window, not read)",
          rows.size(),
          recent.chunksRead(),
          recent.chunksSkipped());
      String where = UriRedaction.redact(settings.recent());
      if (rows.isEmpty()) {
        return progress.end(
            RetrainResult.NO_NEW_DATA,
            "no labelled rows under "
                + where
                + (since == null
                    ? ""
                    : " since " + since + " (window " + human(settings.window()) + ")")
                + "; nothing trained");
      }
      Instant newest = rows.getLast().time();
      progress.newestRow = newest.toString();
      if (settings.newerThan() != null && !newest.isAfter(settings.newerThan())) {
        return progress.end(
            RetrainResult.NO_NEW_DATA,
            "no labelled row newer than "
                + settings.newerThan()
                + " (the last run's newest) under "
                + where
                + "; nothing trained");
      }
      HeldOutSplit split = HeldOutSplit.of(rows);
      List<String> features = m.featureNames();
      LabeledTable heldOut = table(features, m.target(), split.heldOut());
      progress.heldOutRows = heldOut.size();

      List<LabeledTable> parts = new ArrayList<>();
      TrainingData data = new TrainingData(workDir, maxDownloadBytes, s3);
      for (int i = 0; i < settings.trainingData().size(); i++) {
        parts.add(data.read(settings.trainingData().get(i), features, m.target(), i));
      }
      int originalRows = parts.stream().mapToInt(LabeledTable::size).sum();
      parts.add(table(features, m.target(), split.train()));
      LabeledTable train = concat(features, m.target(), parts);
      progress.trainingRows = train.size();

      progress.serving = Evaluation.of(serving.model(), m, heldOut);
      LOG.info(
          "training {} {} on {} rows; {} rows held out (serving {}: {} {})",
          m.algorithm(),
          settings.candidateVersion(),
          train.size(),
          heldOut.size(),
          m.version(),
          progress.metric,
          progress.serving);

      Path archive =
          workDir
              .resolve("candidate")
              .resolve(m.name() + "-" + settings.candidateVersion() + ".tar.gz");
      String holdout = "newest " + heldOut.size() + " recent labelled rows";
      retrainer.retrain(m, train, heldOut, holdout, settings.candidateVersion(), archive);
      progress.sha256 = Checksums.sha256(archive);
      progress.size = Files.size(archive);
      progress.uri = CandidateOutput.upload(settings.output(), archive, s3);
      LOG.info("wrote the candidate to {} ({} bytes)", progress.uri, progress.size);

      // Loaded back from where it went, by the server's own loader: what a rollout will load.
      try (ModelPackage candidate = load(progress.uri, progress.sha256, "candidate package")) {
        progress.candidate = Evaluation.of(candidate.model(), candidate.manifest(), heldOut);
      }
      return progress.end(
          RetrainResult.SUCCEEDED,
          String.format(
              Locale.ROOT,
              "candidate %s: %s %.4f vs serving %s %.4f on the %s; trained on %d rows (%d"
                  + " training data, %d recent)",
              settings.candidateVersion(),
              progress.metric,
              progress.candidate,
              settings.servingVersion() == null ? m.version() : settings.servingVersion(),
              progress.serving,
              holdout,
              train.size(),
              originalRows,
              split.train().size()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private ModelPackage load(String uri, String sha256, String what) {
    PackageSource source =
        new PackageSource(
            Path.of("/mnt/models"),
            workDir.resolve("packages"),
            maxDownloadBytes,
            3,
            Duration.ofSeconds(30));
    if (uri.toLowerCase(Locale.ROOT).startsWith("s3://")) {
      source = source.withS3(s3.get());
    }
    try {
      return ModelPackage.load(
          uri,
          sha256,
          new ModelPackage.LoadOptions(
              source,
              new PackageArchive(
                  maxDownloadBytes * io.modelship.api.runtime.RuntimeEnvironment.UNPACK_RATIO,
                  1000),
              workDir.resolve("packages")));
    } catch (ModelPackageException e) {
      throw new RetrainException(
          what + " " + UriRedaction.redact(uri) + ": " + UriRedaction.scrub(e.getMessage(), uri),
          e);
    }
  }

  private static LabeledTable table(List<String> features, String target, List<LabelledRow> rows) {
    double[][] values = new double[rows.size()][];
    List<String> labels = new ArrayList<>(rows.size());
    for (int i = 0; i < values.length; i++) {
      values[i] = rows.get(i).features();
      labels.add(rows.get(i).label());
    }
    return new LabeledTable(features, target, values, labels);
  }

  private static LabeledTable concat(
      List<String> features, String target, List<LabeledTable> parts) {
    int n = parts.stream().mapToInt(LabeledTable::size).sum();
    double[][] rows = new double[n][];
    List<String> labels = new ArrayList<>(n);
    int at = 0;
    for (LabeledTable part : parts) {
      System.arraycopy(part.rows(), 0, rows, at, part.size());
      at += part.size();
      labels.addAll(part.labelValues());
    }
    return new LabeledTable(features, target, rows, labels);
  }

  private static String human(Duration d) {
    return d.toSeconds() % 86_400 == 0 ? d.toDays() + "d" : d.toSeconds() + "s";
  }

  /** What a run has found out so far, so a failure still reports it. */
  private static final class Progress {
    String version;
    String uri;
    String sha256;
    Long size;
    String metric;
    Double candidate;
    Double serving;
    Integer heldOutRows;
    Integer trainingRows;
    Integer recentRows;
    String newestRow;

    RetrainResult end(String outcome, String reason) {
      boolean succeeded = RetrainResult.SUCCEEDED.equals(outcome);
      return new RetrainResult(
          outcome,
          reason,
          version,
          succeeded ? uri : null,
          succeeded ? sha256 : null,
          succeeded ? size : null,
          metric,
          candidate,
          serving,
          heldOutRows,
          trainingRows,
          recentRows,
          newestRow);
    }
  }
}
