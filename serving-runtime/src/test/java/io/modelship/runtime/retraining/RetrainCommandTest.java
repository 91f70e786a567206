package io.modelship.runtime.retraining;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelship.api.retraining.RetrainJob;
import io.modelship.api.retraining.RetrainResult;
import io.modelship.api.runtime.RuntimeEnvironment;
import io.modelship.format.smile.Algorithm;
import io.modelship.format.smile.SmileFormat;
import io.modelship.format.smile.Trainer;
import io.modelship.runtime.TestModels;
import io.modelship.runtime.cli.Main;
import io.modelship.runtime.cli.RetrainCommand;
import io.modelship.runtime.format.Predictions;
import io.modelship.runtime.model.Checksums;
import io.modelship.runtime.model.ModelPackage;
import io.modelship.runtime.model.PackageArchive;
import io.modelship.runtime.model.PackageSource;
import io.modelship.runtime.sink.ChunkWriter;
import io.modelship.runtime.sink.FileChunkWriter;
import io.modelship.runtime.sink.LabelledRowSink;
import io.modelship.runtime.sink.S3ChunkWriter;
import io.modelship.runtime.sink.SinkSettings;
import io.modelship.runtime.storage.S3Location;
import io.modelship.runtime.storage.S3Settings;
import io.modelship.runtime.storage.S3Store;
import io.modelship.runtime.training.LabeledTable;
import io.modelship.s3testing.EmbeddedS3;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * {@code retrain} as the Job runs it: plain {@code retrain} with the operator's environment, the
 * result JSON on stdout and in the result file, exit 0 or 1. The data's feature→label relation
 * shifted: the serving model learnt {@code label = x1 > 0.5} on {@code x0 ∈ [0,1]}; the pods then
 * met {@code x0 ∈ [2,3]}, where {@code label = x1 < 0.5}.
 */
class RetrainCommandTest {

  static final List<String> FEATURES = List.of("x0", "x1", "x2");
  static final String ACCESS_KEY = "retrain-test";
  static final String SECRET_KEY = "s3cr3t-never-shown";
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path shared;
  static Path servingArchive;
  static Path trainingCsv;
  static EmbeddedS3 s3;

  @TempDir Path tmp;

  @BeforeAll
  static void servingModelAndStore() throws IOException {
    trainingCsv = shared.resolve("train.csv");
    writeCsv(trainingCsv, rows(300, false, new Random(1)));
    Trainer.Result serving =
        new Trainer()
            .train(
                new Trainer.Request(
                    LabeledTable.read(trainingCsv, "label", null),
                    null,
                    "shifty",
                    "1.0.0",
                    Algorithm.RANDOM_FOREST,
                    20,
                    6,
                    7));
    servingArchive = shared.resolve("shifty-1.0.0.tar.gz");
    SmileFormat.writePackage(serving, servingArchive);
    s3 = EmbeddedS3.start(shared.resolve("s3"), ACCESS_KEY, SECRET_KEY);
    s3.createBucket("mlops");
  }

  @AfterAll
  static void stopStore() {
    if (s3 != null) {
      s3.close();
    }
  }

  @Test
  void retrainsOnShiftedDataAndTheCandidateBeatsTheServingVersion() throws Exception {
    Path sink = Files.createDirectories(tmp.resolve("sink"));
    Instant now = Instant.now();
    keep(new FileChunkWriter(sink), "pod-a", rows(400, true, new Random(2)), now);
    keep(
        new FileChunkWriter(sink),
        "pod-b",
        rows(50, true, new Random(3)),
        now.minus(Duration.ofDays(8)));
    Path out = tmp.resolve("candidates");
    Path resultFile = tmp.resolve("termination-log");
    Map<String, String> env = jobEnv(sink.toUri().toString(), out.toUri().toString(), resultFile);
    env.put(RetrainJob.TRAINING_DATA, trainingCsv.toUri().toString());

    long start = System.nanoTime();
    Run run = run(env);
    long millis = (System.nanoTime() - start) / 1_000_000;

    assertThat(run.exit()).as(run.out() + run.err()).isZero();
    RetrainResult result = JSON.readValue(run.out(), RetrainResult.class);
    assertThat(result.outcome()).as(result.reason()).isEqualTo(RetrainResult.SUCCEEDED);
    assertThat(Files.readString(resultFile)).isEqualTo(run.out().strip());
    assertThat(result.recentRows()).as("rows older than the window are left out").isEqualTo(400);
    assertThat(result.heldOutRows()).isEqualTo(80);
    assertThat(result.trainingRows()).isEqualTo(300 + 320);
    assertThat(result.metric()).isEqualTo("accuracy");
    assertThat(result.candidate()).isGreaterThan(0.9).isGreaterThan(result.serving() + 0.3);
    assertThat(result.version()).isEqualTo("1.0.0-retrain.1");
    Path written = out.resolve("shifty-1.0.0-retrain.1.tar.gz");
    assertThat(result.uri()).isEqualTo(written.toUri().toString());
    assertThat(result.sha256()).isEqualTo(Checksums.sha256(written));
    assertThat(result.size()).isEqualTo(Files.size(written));
    System.out.printf(
        Locale.ROOT,
        "retrain end to end (file://): %d recent rows (%d held out), trained on %d;"
            + " accuracy candidate %.4f vs serving %.4f; %d ms%n",
        result.recentRows(),
        result.heldOutRows(),
        result.trainingRows(),
        result.candidate(),
        result.serving(),
        millis);

    // What a rollout will do: load the candidate by its URI and checksum, and serve it.
    try (ModelPackage candidate =
        ModelPackage.load(
            result.uri(),
            result.sha256(),
            ModelPackage.LoadOptions.of(tmp, tmp.resolve("work"), 10_000_000))) {
      assertThat(candidate.manifest().version()).isEqualTo("1.0.0-retrain.1");
      assertThat(candidate.manifest().metrics().holdout())
          .isEqualTo("newest 80 recent labelled rows");
      Predictions p = candidate.model().predict(new double[][] {{2.5, 0.1, 0.5}, {0.5, 0.1, 0.5}});
      List<String> labels = candidate.manifest().labels();
      assertThat(List.of(labels.get(p.classIndex()[0]), labels.get(p.classIndex()[1])))
          .containsExactly("yes", "no");
    }
  }

  @Test
  void retrainsARegressorAndComparesRmse() throws Exception {
    Path csv = tmp.resolve("regression.csv");
    writeCsv(csv, regressionRows(300, false, new Random(6)));
    Path serving = tmp.resolve("value-1.0.0.tar.gz");
    SmileFormat.writePackage(
        new Trainer()
            .train(
                new Trainer.Request(
                    LabeledTable.read(csv, "label", null),
                    null,
                    "value",
                    "1.0.0",
                    Algorithm.RANDOM_FOREST,
                    20,
                    6,
                    7,
                    io.modelship.runtime.format.Task.REGRESSION)),
        serving);
    Path sink = Files.createDirectories(tmp.resolve("sink"));
    keep(
        new FileChunkWriter(sink),
        "pod-a",
        regressionRows(100, true, new Random(7)),
        Instant.now());
    Map<String, String> env =
        jobEnv(sink.toUri().toString(), tmp.resolve("out").toUri().toString(), tmp.resolve("r"));
    env.put(RetrainJob.FROM_URI, serving.toUri().toString());
    env.put(RetrainJob.TRAINING_DATA, csv.toUri().toString());

    Run run = run(env);

    assertThat(run.exit()).as(run.out() + run.err()).isZero();
    RetrainResult result = JSON.readValue(run.out(), RetrainResult.class);
    assertThat(result.metric()).isEqualTo("rmse");
    assertThat(result.higherIsBetter()).isFalse();
    assertThat(result.heldOutRows()).isEqualTo(30);
    assertThat(result.candidate()).as("lower is better").isLessThan(result.serving() - 1.0);
  }

  @Test
  void retrainsFromS3ToS3() throws Exception {
    try (S3Store store = store()) {
      retrainsFromS3ToS3(store);
    }
  }

  void retrainsFromS3ToS3(S3Store store) throws Exception {
    store.upload(
        S3Location.parse("s3://mlops/shifty/1.0.0.tar.gz"), servingArchive, "application/gzip");
    store.upload(S3Location.parse("s3://mlops/shifty/train.csv"), trainingCsv, "text/csv");
    keep(
        new S3ChunkWriter(store, S3Location.parse("s3://mlops/shifty/labelled/"), false),
        "pod-a",
        rows(200, true, new Random(4)),
        Instant.now());
    Map<String, String> env =
        jobEnv(
            "s3://mlops/shifty/labelled/", "s3://mlops/shifty/candidates/", tmp.resolve("result"));
    env.put(RetrainJob.FROM_URI, "s3://mlops/shifty/1.0.0.tar.gz");
    env.put(RetrainJob.FROM_SHA256, Checksums.sha256(servingArchive));
    env.put(RetrainJob.TRAINING_DATA, "s3://mlops/shifty/train.csv");
    env.put(RetrainJob.MAX_ROWS, "150");

    Run run = run(env);

    assertThat(run.exit()).as(run.out() + run.err()).isZero();
    RetrainResult result = JSON.readValue(run.out(), RetrainResult.class);
    assertThat(result.outcome()).as(result.reason()).isEqualTo(RetrainResult.SUCCEEDED);
    assertThat(result.uri())
        .isEqualTo("s3://mlops/shifty/candidates/shifty-1.0.0-retrain.1.tar.gz");
    assertThat(result.recentRows()).as("the newest RETRAIN_MAX_ROWS").isEqualTo(150);
    assertThat(result.heldOutRows()).isEqualTo(30);
    assertThat(result.trainingRows()).isEqualTo(300 + 120);
    assertThat(result.candidate()).isGreaterThan(result.serving());
    assertThat(run.out() + run.err()).doesNotContain(SECRET_KEY);
    PackageSource source =
        new PackageSource(tmp, tmp.resolve("work"), 10_000_000, 1, Duration.ofSeconds(10))
            .withS3(store);
    try (ModelPackage candidate =
        ModelPackage.load(
            result.uri(),
            result.sha256(),
            new ModelPackage.LoadOptions(
                source, new PackageArchive(40_000_000, 100), tmp.resolve("work")))) {
      assertThat(candidate.manifest().version()).isEqualTo("1.0.0-retrain.1");
    }

    // The next run, with nothing newer than what this one used: nothing to do.
    env.put(RetrainJob.NEWER_THAN, result.newestRow());
    Run again = run(env);
    assertThat(again.exit()).isZero();
    RetrainResult none = JSON.readValue(again.out(), RetrainResult.class);
    assertThat(none.outcome()).isEqualTo(RetrainResult.NO_NEW_DATA);
    assertThat(none.reason()).contains("no labelled row newer than " + result.newestRow());
    assertThat(none.uri()).isNull();
  }

  @Test
  void namesAMissingBucketAndAMissingKey() throws Exception {
    Map<String, String> env =
        jobEnv("s3://no-such-bucket/labelled/", tmp.toUri().toString(), tmp.resolve("result"));
    RetrainResult bucket = failedRun(env);
    assertThat(bucket.reason()).contains("no such bucket 'no-such-bucket'");

    env.put(RetrainJob.FROM_URI, "s3://mlops/shifty/9.9.9.tar.gz");
    RetrainResult key = failedRun(env);
    assertThat(key.reason())
        .startsWith("serving package s3://mlops/shifty/9.9.9.tar.gz")
        .contains("no such key 'shifty/9.9.9.tar.gz' in bucket 'mlops'");
  }

  @Test
  void namesAFailedUpload() throws Exception {
    Path sink = Files.createDirectories(tmp.resolve("sink"));
    keep(new FileChunkWriter(sink), "pod-a", rows(60, true, new Random(8)), Instant.now());
    RetrainResult result =
        failedRun(
            jobEnv(sink.toUri().toString(), "s3://no-such-output/candidates/", tmp.resolve("r")));
    assertThat(result.reason())
        .startsWith("upload of the candidate failed: no such bucket 'no-such-output'");
    assertThat(result.uri()).isNull();
  }

  @Test
  void noRecentRowsIsNoNewDataAndTrainsNothing() throws Exception {
    Path sink = Files.createDirectories(tmp.resolve("sink"));
    Path out = tmp.resolve("candidates");
    Run run = run(jobEnv(sink.toUri().toString(), out.toUri().toString(), tmp.resolve("r")));
    assertThat(run.exit()).isZero();
    RetrainResult result = JSON.readValue(run.out(), RetrainResult.class);
    assertThat(result.outcome()).isEqualTo(RetrainResult.NO_NEW_DATA);
    assertThat(result.reason()).contains("no labelled rows under").contains("window 7d");
    assertThat(out).doesNotExist();
  }

  @Test
  void tooFewRecentRowsFailsWithTheCounts() throws Exception {
    Path sink = Files.createDirectories(tmp.resolve("sink"));
    keep(new FileChunkWriter(sink), "pod-a", rows(45, true, new Random(5)), Instant.now());
    RetrainResult result =
        failedRun(jobEnv(sink.toUri().toString(), tmp.toUri().toString(), tmp.resolve("r")));
    assertThat(result.reason())
        .isEqualTo(
            "too few recent labelled rows: 45 in the window, at least 60 needed (30 held out to"
                + " evaluate on, 30 to train on)");
    assertThat(result.recentRows()).isEqualTo(45);
  }

  @Test
  void refusesAnOnnxPackage() throws Exception {
    Path onnx = tmp.resolve("iris-onnx.tar.gz");
    Path examples = TestModels.locate("examples/onnx");
    int packaged =
        Main.commandLine()
            .execute(
                "package",
                "--artifact",
                examples.resolve("iris-logistic.onnx").toString(),
                "--data",
                examples.resolve("iris.csv").toString(),
                "--target",
                "species",
                "--name",
                "iris-onnx",
                "--version",
                "1.0.0",
                "--out",
                onnx.toString());
    assertThat(packaged).isZero();
    Map<String, String> env =
        jobEnv(tmp.toUri().toString(), tmp.toUri().toString(), tmp.resolve("r"));
    env.put(RetrainJob.FROM_URI, onnx.toUri().toString());
    assertThat(failedRun(env).reason()).isEqualTo(Retraining.ONNX_REASON);
  }

  @Test
  void namesAMalformedChunkAndItsLine() throws Exception {
    Path sink = Files.createDirectories(tmp.resolve("sink/1.0.0"));
    String now = Instant.now().toString();
    String chunk =
        "pod-a-"
            + java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
                .withZone(java.time.ZoneOffset.UTC)
                .format(Instant.now())
            + "-0.csv";
    Files.writeString(
        sink.resolve(chunk),
        "x0,x1,x2,prediction,label,version,time\n"
            + "2.1,0.2,0.3,no,yes,1.0.0,"
            + now
            + "\n"
            + "2.2,abc,0.3,no,yes,1.0.0,"
            + now
            + "\n");
    RetrainResult bad =
        failedRun(
            jobEnv(
                tmp.resolve("sink").toUri().toString(), tmp.toUri().toString(), tmp.resolve("r")));
    assertThat(bad.reason()).contains(chunk + " line 3, column 'x1': 'abc' is not a finite number");

    Files.writeString(
        sink.resolve(chunk), "a,b,prediction,label,version,time\n1,2,no,yes,1.0.0," + now + "\n");
    RetrainResult mismatch =
        failedRun(
            jobEnv(
                tmp.resolve("sink").toUri().toString(), tmp.toUri().toString(), tmp.resolve("r")));
    assertThat(mismatch.reason())
        .contains(chunk + " does not match the package")
        .contains("missing: [x0, x1, x2]");
  }

  @Test
  void aLongReasonIsCutToFitTheTerminationMessage() {
    RetrainResult result =
        new RetrainResult(
            RetrainResult.FAILED,
            "x".repeat(10_000),
            "1",
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
    String json = ResultFile.json(result);
    assertThat(json.getBytes(StandardCharsets.UTF_8).length)
        .isLessThanOrEqualTo(RetrainJob.RESULT_MAX_BYTES)
        .isGreaterThan(RetrainJob.RESULT_MAX_BYTES - 10);
    assertThat(json).contains("\"outcome\":\"Failed\"").contains("…");
  }

  // --- the data, the sink, the Job's environment

  /** Labelled rows of the old relation (x0 in [0,1]) or the shifted one (x0 in [2,3]). */
  static List<String[]> rows(int n, boolean shifted, Random random) {
    List<String[]> rows = new java.util.ArrayList<>();
    for (int i = 0; i < n; i++) {
      double x0 = (shifted ? 2 : 0) + random.nextDouble();
      double x1 = random.nextDouble();
      double x2 = random.nextDouble();
      boolean yes = shifted ? x1 < 0.5 : x1 > 0.5;
      rows.add(new String[] {x0 + "", x1 + "", x2 + "", yes ? "yes" : "no"});
    }
    return rows;
  }

  /**
   * Rows whose value is {@code 10 x1} (x0 in [0,1]) or, shifted, {@code 10 - 10 x1} (x0 in [2,3]).
   */
  static List<String[]> regressionRows(int n, boolean shifted, Random random) {
    List<String[]> rows = new java.util.ArrayList<>();
    for (int i = 0; i < n; i++) {
      double x0 = (shifted ? 2 : 0) + random.nextDouble();
      double x1 = random.nextDouble();
      double y = shifted ? 10 - 10 * x1 : 10 * x1;
      rows.add(new String[] {x0 + "", x1 + "", random.nextDouble() + "", y + ""});
    }
    return rows;
  }

  static void writeCsv(Path file, List<String[]> rows) throws IOException {
    StringBuilder csv = new StringBuilder("x0,x1,x2,label\n");
    for (String[] r : rows) {
      csv.append(String.join(",", r)).append('\n');
    }
    Files.writeString(file, csv);
  }

  /** Writes rows through the pods' own sink, one second apart, the last at {@code newest}. */
  static void keep(ChunkWriter writer, String pod, List<String[]> rows, Instant newest) {
    SinkSettings settings =
        new SinkSettings("file:///unused/", null, 4096, Duration.ofHours(1), 10_000);
    try (LabelledRowSink sink = new LabelledRowSink(settings, writer, FEATURES, "1.0.0", pod)) {
      for (int i = 0; i < rows.size(); i++) {
        String[] r = rows.get(i);
        double[] features = {
          Double.parseDouble(r[0]), Double.parseDouble(r[1]), Double.parseDouble(r[2])
        };
        sink.append(features, "no", r[3], newest.minusSeconds(rows.size() - 1 - i));
      }
      sink.flush();
      assertThat(sink.rowsDropped()).isZero();
    }
  }

  Map<String, String> jobEnv(String recent, String output, Path resultFile) {
    Map<String, String> env = new HashMap<>();
    env.put(RetrainJob.FROM_URI, servingArchive.toUri().toString());
    env.put(RetrainJob.SERVING_VERSION, "1.0.0");
    env.put(RetrainJob.CANDIDATE_VERSION, "1.0.0-retrain.1");
    env.put(RetrainJob.RECENT, recent);
    env.put(RetrainJob.WINDOW_SECONDS, String.valueOf(Duration.ofDays(7).toSeconds()));
    env.put(RetrainJob.MAX_ROWS, "200000");
    env.put(RetrainJob.OUTPUT, output);
    env.put(RetrainJob.RESULT_FILE_ENV, resultFile.toString());
    env.put(RuntimeEnvironment.MODEL_WORK_DIR, tmp.resolve("work").toString());
    env.put(RuntimeEnvironment.S3_ENDPOINT, s3.endpoint().toString());
    env.put(RuntimeEnvironment.S3_PATH_STYLE, "true");
    return env;
  }

  static S3Store store() {
    return S3Store.create(
        new S3Settings(s3.endpoint(), EmbeddedS3.REGION, true, Duration.ofSeconds(10)),
        StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)));
  }

  record Run(int exit, String out, String err) {}

  /** Plain {@code retrain}, as the Job runs it, with {@code env} for its environment. */
  static Run run(Map<String, String> env) {
    PrintStream original = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StringWriter err = new StringWriter();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      CommandLine cli =
          new CommandLine(
              new RetrainCommand(
                  env,
                  settings ->
                      S3Store.create(
                          settings,
                          StaticCredentialsProvider.create(
                              AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY))),
                  Clock.systemUTC()));
      cli.setErr(new PrintWriter(err, true));
      int exit = cli.execute();
      return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString());
    } finally {
      System.setOut(original);
    }
  }

  static RetrainResult failedRun(Map<String, String> env) throws IOException {
    Run run = run(env);
    assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(1);
    RetrainResult result = JSON.readValue(run.out(), RetrainResult.class);
    assertThat(result.outcome()).isEqualTo(RetrainResult.FAILED);
    assertThat(Files.readString(Path.of(env.get(RetrainJob.RESULT_FILE_ENV))))
        .isEqualTo(run.out().strip());
    return result;
  }
}
