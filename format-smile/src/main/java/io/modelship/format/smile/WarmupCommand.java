package io.modelship.format.smile;

import io.modelship.runtime.cli.ContributedCommand;
import io.modelship.runtime.cli.WarmupPackages;
import io.modelship.runtime.http.ServingApp;
import io.modelship.runtime.server.ServeConfig;
import io.modelship.runtime.training.LabeledTable;
import io.modelship.runtime.training.SyntheticClassification;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.ServiceLoader;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code warmup}: runs what a serving pod runs — load a package, answer every endpoint, good and
 * bad requests — once, on loopback. The build runs it under {@code -XX:AOTCacheOutput} so the JVM
 * records an AOT cache ({@code serving-runtime.aot}) that makes {@code serve} start faster; it
 * doubles as a smoke test of the packaged jar. Format modules add their own sample packages ({@link
 * WarmupPackages}), served and exercised the same way.
 */
@Command(
    name = "warmup",
    hidden = true,
    mixinStandardHelpOptions = true,
    description =
        "Exercise training, loading and every endpoint once (used by the build to record an AOT cache).")
public final class WarmupCommand implements ContributedCommand {

  private static final int FEATURES = 20;

  @Option(
      names = "--train-only",
      paramLabel = "FILE",
      description =
          "Only train the warm-up's package and write it to FILE (a run of its own, so that the"
              + " AOT cache recorded with --package leaves training's classes out).")
  Path trainOnly;

  @Option(
      names = "--package",
      paramLabel = "FILE",
      description = "Serve this package (written by --train-only) instead of training one.")
  Path trained;

  @Override
  public Integer call() throws Exception {
    if (trainOnly != null) {
      Path scratch = Files.createTempDirectory("modelship-warmup-");
      try {
        train(scratch, trainOnly);
      } finally {
        Files.deleteIfExists(scratch);
      }
      System.out.println("warmup: wrote " + trainOnly);
      return 0;
    }
    Path dir = Files.createTempDirectory("modelship-warmup-");
    try {
      Path pkg = trained;
      if (pkg == null) {
        pkg = dir.resolve("warmup-1.0.0.tar.gz");
        train(dir, pkg);
      }
      int failures =
          serveAndExercise(new WarmupPackages.Sample(pkg, "warmup", FEATURES, "1"), dir, 300);
      // Other formats' samples (ONNX: a compiled forest and an ONNX Runtime graph), so they start
      // from the cache too.
      for (WarmupPackages contributed : ServiceLoader.load(WarmupPackages.class)) {
        for (WarmupPackages.Sample sample :
            contributed.write(Files.createDirectories(dir.resolve("samples")))) {
          failures += serveAndExercise(sample, dir, 100);
        }
      }
      System.out.println("warmup: exercised the runtime, " + failures + " unexpected answers");
      return failures == 0 ? 0 : 1;
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** Trains the warm-up's random forest on synthetic data and writes its package as {@code pkg}. */
  private static void train(Path dir, Path pkg) throws IOException {
    Path csv = dir.resolve("data.csv");
    SyntheticClassification.write(csv, 1000, FEATURES, 1);
    SmileFormat.writePackage(
        new Trainer()
            .train(
                new Trainer.Request(
                    LabeledTable.read(csv, "label", null),
                    null,
                    "warmup",
                    "1.0.0",
                    Algorithm.RANDOM_FOREST,
                    100,
                    10,
                    1)),
        pkg);
    Files.deleteIfExists(csv);
  }

  private static int serveAndExercise(WarmupPackages.Sample sample, Path dir, int rounds)
      throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("MODEL_URI", sample.pkg().toString());
    env.put("HOST", "127.0.0.1");
    env.put("PORT", "0");
    env.put("MODEL_WORK_DIR", dir.resolve("work-" + sample.name()).toString());
    // HTTP only: serve's gRPC server (gRPC, protobuf and Netty's classes: 8.5 MB of the cache) is
    // left out of the AOT cache to keep the image under 200 MB; serve starts it beside the model
    // load and /ready waits for it (ServeCommand, images/README.md).
    ServingApp app = new ServingApp(ServeConfig.fromEnvironment(env).validate()).startReady();
    try {
      int failures = exercise("http://127.0.0.1:" + app.port(), sample, rounds);
      System.out.println("warmup: " + sample.name() + ", " + failures + " unexpected answers");
      return failures;
    } finally {
      app.close();
    }
  }

  private static int exercise(String base, WarmupPackages.Sample sample, int rounds)
      throws IOException, InterruptedException {
    HttpClient http = HttpClient.newHttpClient();
    Random random = new Random(1);
    int features = sample.features();
    String name = sample.name();
    int failures = 0;
    for (int i = 0; i < rounds; i++) {
      String row = row(random, features);
      String predicted = send(http, base + "/predict", "{\"features\": " + row + "}", 200);
      failures += predicted == null ? 1 : 0;
      if (i % 10 == 0) {
        StringBuilder batch = new StringBuilder("{\"instances\": [").append(row);
        for (int r = 1; r < 50; r++) {
          batch.append(',').append(row(random, features));
        }
        failures +=
            send(http, base + "/predict_batch", batch.append("]}").toString(), 200) == null ? 1 : 0;
        failures +=
            send(
                        http,
                        base + "/v1/models/" + name + ":predict",
                        "{\"instances\": [" + row + "]}",
                        200)
                    == null
                ? 1
                : 0;
        failures +=
            send(
                        http,
                        base + "/v2/models/" + name + "/infer",
                        "{\"inputs\": [{\"name\": \"input-0\","
                            + " \"shape\": [1, "
                            + features
                            + "], \"datatype\": \"FP64\", \"data\": "
                            + row
                            + "}]}",
                        200)
                    == null
                ? 1
                : 0;
        String id =
            predicted == null
                ? "none"
                : predicted.replaceAll(".*\"request_id\":\"([^\"]+)\".*", "$1");
        failures +=
            send(
                        http,
                        base + "/feedback",
                        "{\"request_id\": \"" + id + "\", \"label\": \"" + sample.label() + "\"}",
                        200)
                    == null
                ? 1
                : 0;
        failures += send(http, base + "/predict", "{\"features\": [1, 2", 400) == null ? 1 : 0;
        failures += send(http, base + "/predict", "{\"features\": [1, 2]}", 400) == null ? 1 : 0;
        for (String path :
            new String[] {
              "/health",
              "/ready",
              "/model_info",
              "/drift",
              "/metrics",
              "/",
              "/v2/models/" + name,
              "/v2/health/ready"
            }) {
          failures += send(http, base + path, null, 200) == null ? 1 : 0;
        }
      }
    }
    return failures;
  }

  private static String row(Random random, int features) {
    StringBuilder b = new StringBuilder("[");
    for (int j = 0; j < features; j++) {
      b.append(j > 0 ? "," : "")
          .append(String.format(Locale.ROOT, "%.3f", random.nextGaussian() * 2));
    }
    return b.append(']').toString();
  }

  /** The body when the status is as expected, else null. */
  private static String send(HttpClient http, String url, String json, int expected)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url));
    if (json != null) {
      request
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(json));
    }
    HttpResponse<String> response =
        http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    return response.statusCode() == expected ? response.body() : null;
  }
}
