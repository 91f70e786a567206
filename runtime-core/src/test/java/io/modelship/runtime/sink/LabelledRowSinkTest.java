package io.modelship.runtime.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.modelship.api.runtime.RuntimeEnvironment;
import io.modelship.runtime.TestModels;
import io.modelship.runtime.inference.InferenceService;
import io.modelship.runtime.model.ModelPackage;
import io.modelship.runtime.server.ServeConfig;
import io.modelship.runtime.storage.S3Location;
import io.modelship.runtime.storage.S3Settings;
import io.modelship.runtime.storage.S3Store;
import io.modelship.runtime.storage.StorageException;
import io.modelship.s3testing.EmbeddedS3;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The rows that received labelled feedback: kept in bounded chunks, lost (and counted) when the
 * sink is down, never blocking.
 */
class LabelledRowSinkTest {

  static final List<String> FEATURES =
      List.of("sepal_length", "sepal_width", "petal_length", "petal_width");

  @TempDir Path tmp;

  static SinkSettings settings(String uri, long chunkBytes, Duration age) {
    return new SinkSettings(uri, null, chunkBytes, age, SinkSettings.DEFAULT_PENDING_CHUNKS);
  }

  static List<String> lines(Path dir) throws Exception {
    try (Stream<Path> files = Files.walk(dir)) {
      return files
          .filter(f -> f.toString().endsWith(".csv"))
          .sorted()
          .flatMap(
              f -> {
                try {
                  return Files.readAllLines(f).stream();
                } catch (java.io.IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              })
          .toList();
    }
  }

  @Test
  void aChunkIsWrittenOnceItIsOldEnoughWithAHeaderAndTheLabelledRows() throws Exception {
    Path dir = tmp.resolve("sink");
    try (LabelledRowSink sink =
        new LabelledRowSink(
            settings(dir.toUri().toString(), 1024 * 1024, Duration.ofMillis(200)),
            new FileChunkWriter(dir),
            FEATURES,
            "2.0.0",
            "iris-abc")) {
      sink.append(
          new double[] {5.1, 3.5, 1.4, 0.2},
          "setosa",
          "setosa",
          Instant.parse("2026-12-07T04:00:00Z"));
      sink.append(
          new double[] {6.7, 3.0, 5.2, 2.3},
          "versicolor",
          "virginica",
          Instant.parse("2026-12-07T04:00:01Z"));
      await().atMost(Duration.ofSeconds(10)).until(() -> sink.rowsWritten() == 2);
      assertThat(lines(dir))
          .containsExactly(
              "sepal_length,sepal_width,petal_length,petal_width,prediction,label,version,time",
              "5.1,3.5,1.4,0.2,setosa,setosa,2.0.0,2026-12-07T04:00:00Z",
              "6.7,3.0,5.2,2.3,versicolor,virginica,2.0.0,2026-12-07T04:00:01Z");
      try (Stream<Path> files = Files.walk(dir.resolve("2.0.0"))) {
        assertThat(files.filter(Files::isRegularFile).map(f -> f.getFileName().toString()))
            .singleElement()
            .asString()
            .startsWith("iris-abc-")
            .endsWith(".csv");
      }
    }
  }

  @Test
  void aFullChunkIsWrittenAtOnceAndChunksStayUnderTheSizeLimit() throws Exception {
    Path dir = tmp.resolve("sink");
    try (LabelledRowSink sink =
        new LabelledRowSink(
            settings(dir.toUri().toString(), 2048, Duration.ofHours(1)),
            new FileChunkWriter(dir),
            FEATURES,
            "2.0.0",
            "pod")) {
      for (int i = 0;
          i < 100;
          i++) { // about 3 chunks' worth: fewer than may wait, so none is dropped
        sink.append(new double[] {i, 1, 2, 3}, "setosa", "setosa", Instant.now());
      }
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> sink.rowsWritten() >= 50); // no chunk waited for its hour
      assertThat(sink.rowsDropped()).isZero();
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path f : files.filter(f -> f.toString().endsWith(".csv")).toList()) {
          assertThat(Files.size(f)).isLessThan(2048 + 200);
        }
      }
    }
    assertThat(lines(dir).stream().filter(l -> !l.startsWith("sepal_length")))
        .hasSize(100); // the rest at close
  }

  @Test
  void aSinkThatIsDownCostsCountedRowsNeverRequestsAndMemoryStaysBounded() {
    CountDownLatch never = new CountDownLatch(1);
    ChunkWriter hung =
        new ChunkWriter() {
          @Override
          public void write(String name, byte[] csv) throws Exception {
            never.await(); // a store that never answers
          }

          @Override
          public String describe() {
            return "s3://down/";
          }
        };
    long chunkBytes = 4096;
    LabelledRowSink sink =
        new LabelledRowSink(
            settings("s3://down/rows/", chunkBytes, Duration.ofHours(1)),
            hung,
            FEATURES,
            "2.0.0",
            "pod");
    long start = System.nanoTime();
    int rows = 200_000;
    for (int i = 0; i < rows; i++) {
      sink.append(new double[] {i, 1, 2, 3}, "setosa", "versicolor", Instant.now());
      if (i % 10_000 == 0) {
        assertThat(sink.bufferedChars())
            .isLessThanOrEqualTo((SinkSettings.DEFAULT_PENDING_CHUNKS + 1) * (chunkBytes + 200));
      }
    }
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
    assertThat(sink.bufferedChars())
        .isLessThanOrEqualTo((SinkSettings.DEFAULT_PENDING_CHUNKS + 1) * (chunkBytes + 200));
    assertThat(sink.rowsDropped()).isGreaterThan(rows - 1000);
    assertThat(sink.rowsWritten()).isZero();
  }

  @Test
  void aSinkThatRefusesCountsEveryLostRowAndSaysWhy() {
    ChunkWriter refusing =
        new ChunkWriter() {
          @Override
          public void write(String name, byte[] csv) {
            throw new StorageException(
                StorageException.Problem.ACCESS_DENIED,
                "access denied writing s3://ml/rows/" + name,
                null);
          }

          @Override
          public String describe() {
            return "s3://ml/rows/";
          }
        };
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (LabelledRowSink sink =
        new LabelledRowSink(
                settings("s3://ml/rows/", 1024, Duration.ofHours(1)),
                refusing,
                FEATURES,
                "2.0.0",
                "pod")
            .register(registry)) {
      for (int i = 0; i < 50; i++) {
        sink.append(new double[] {i, 1, 2, 3}, "setosa", "setosa", Instant.now());
      }
      sink.flush();
      assertThat(sink.rowsDropped()).isEqualTo(50);
      assertThat(sink.chunksFailed()).isPositive();
      assertThat(sink.lastError()).contains("access denied").contains("s3://ml/rows/");
      assertThat(
              registry
                  .get("modelship_retraining_sink_rows")
                  .tag("outcome", "dropped")
                  .functionCounter()
                  .count())
          .isEqualTo(50);
    }
  }

  @Test
  void chunksLandInS3AsCsvObjects() throws Exception {
    try (EmbeddedS3 s3 = EmbeddedS3.start(tmp.resolve("s3"), "sink-test", "sink-secret");
        S3Store store =
            S3Store.create(
                new S3Settings(s3.endpoint(), EmbeddedS3.REGION, true, Duration.ofSeconds(10)),
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create("sink-test", "sink-secret")))) {
      s3.createBucket("mlops");
      try (LabelledRowSink sink =
          new LabelledRowSink(
              settings("s3://mlops/iris/labelled/", 1024 * 1024, Duration.ofHours(1)),
              new S3ChunkWriter(store, S3Location.parse("s3://mlops/iris/labelled/"), false),
              FEATURES,
              "2.0.0",
              "iris-0")) {
        sink.append(
            new double[] {5.9, 3.0, 5.1, 1.8},
            "virginica",
            "virginica",
            Instant.parse("2026-12-07T04:00:00Z"));
        sink.flush();
        assertThat(sink.rowsWritten()).isEqualTo(1);
      }
      Path objects = tmp.resolve("s3/mlops/iris/labelled/2.0.0");
      try (Stream<Path> files = Files.list(objects)) {
        Path object =
            files
                .filter(f -> f.getFileName().toString().startsWith("iris-0-"))
                .findFirst()
                .orElseThrow();
        Path copy = tmp.resolve("copy.csv");
        store.download(
            new S3Location("mlops", "iris/labelled/2.0.0/" + object.getFileName()),
            copy,
            1_000_000);
        assertThat(Files.readString(copy, StandardCharsets.UTF_8))
            .isEqualTo(
                "sepal_length,sepal_width,petal_length,petal_width,prediction,label,version,time\n"
                    + "5.9,3.0,5.1,1.8,virginica,virginica,2.0.0,2026-12-07T04:00:00Z\n");
      }
    }
  }

  @Test
  void theServingPathKeepsOnlyPredictionsThatReceivedFeedback() throws Exception {
    Path dir = tmp.resolve("sink");
    ServeConfig config =
        ServeConfig.fromEnvironment(
                Map.of(
                    RuntimeEnvironment.RETRAINING_SINK,
                    dir.toUri().toString(),
                    RuntimeEnvironment.POD_NAME,
                    "iris-0"))
            .validate();
    ModelPackage pkg =
        ModelPackage.load(
            TestModels.irisDirectory().toString(),
            null,
            ModelPackage.LoadOptions.of(tmp, tmp.resolve("work"), 10_000_000));
    InferenceService service = new InferenceService(pkg, config, new SimpleMeterRegistry());
    InferenceService.Prediction[] predicted =
        service.predict(new double[][] {{5.1, 3.5, 1.4, 0.2}, {6.7, 3.0, 5.2, 2.3}});
    String firstLabel = service.labels().get(predicted[0].classIndex());
    service.feedback(predicted[0].requestId(), "setosa");
    service.feedback(predicted[0].requestId(), "setosa"); // a repeat is kept once
    service.close();
    List<String> lines = lines(dir);
    assertThat(lines).hasSize(2);
    assertThat(lines.get(1)).startsWith("5.1,3.5,1.4,0.2," + firstLabel + ",setosa,");
    assertThat(service.sink().rowsWritten()).isEqualTo(1);
  }
}
