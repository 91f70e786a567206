package io.modelship.runtime.shaded;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelship.runtime.TestModels;
import io.modelship.runtime.training.PackageWriter;
import io.modelship.s3testing.EmbeddedS3;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The S3 calls of the runtime from {@code target/serving-runtime.jar} as Maven shaded it, against a
 * real S3-compatible server (S3Proxy): the jar's shade filters leave out parts of the AWS SDK (the
 * S3 model of operations the runtime never calls, serving-runtime's pom), and this proves the
 * download, the uploads and the listing, with the store's errors, still find every class they need.
 * Runs after {@code package} (failsafe).
 */
class ShadedJarS3IT {

  static final String ACCESS_KEY = "modelship-test";
  static final String SECRET_KEY = "s3cr3t-never-shown";

  @TempDir Path tmp;

  @Test
  void everyS3CallOfTheRuntimeWorksFromTheShadedJar() throws Exception {
    Path jar = Path.of("target", "serving-runtime.jar").toAbsolutePath();
    assertThat(jar).as("the shaded jar (mvn package)").exists();
    // the calls' class alone beside the jar: nothing else of the test class path
    Path compiled =
        Path.of(ShadedJarS3Calls.class.getProtectionDomain().getCodeSource().getLocation().toURI())
            .resolve("io/modelship/runtime/shaded");
    Path classes = tmp.resolve("classes");
    Path target = Files.createDirectories(classes.resolve("io/modelship/runtime/shaded"));
    try (Stream<Path> files = Files.list(compiled)) {
      for (Path f :
          files.filter(f -> f.getFileName().toString().startsWith("ShadedJarS3Calls")).toList()) {
        Files.copy(f, target.resolve(f.getFileName()));
      }
    }
    try (EmbeddedS3 s3 = EmbeddedS3.start(tmp.resolve("s3"), ACCESS_KEY, SECRET_KEY)) {
      s3.createBucket("models");
      Path archive = tmp.resolve("iris.tar.gz");
      PackageWriter.archive(TestModels.irisDirectory(), archive);
      s3.putObject("models", "iris/1.0.0.tar.gz", archive);

      List<String> command =
          new ArrayList<>(
              List.of(ProcessHandle.current().info().command().orElseThrow(), "-XX:+UseSerialGC"));
      // -DshadedS3.classLog=FILE: the classes the calls load, to check a new shade filter against
      String classLog = System.getProperty("shadedS3.classLog");
      if (classLog != null) {
        command.add("-Xlog:class+load=info:file=" + classLog);
      }
      command.addAll(
          List.of(
              "-cp",
              jar + File.pathSeparator + classes,
              ShadedJarS3Calls.class.getName(),
              "models",
              "iris/1.0.0.tar.gz"));
      ProcessBuilder builder = new ProcessBuilder(command);
      Map<String, String> env = builder.environment();
      env.keySet().removeIf(k -> k.startsWith("AWS_") || k.startsWith("S3_"));
      env.putAll(
          Map.of(
              "AWS_ACCESS_KEY_ID",
              ACCESS_KEY,
              "AWS_SECRET_ACCESS_KEY",
              SECRET_KEY,
              "AWS_REGION",
              EmbeddedS3.REGION,
              "AWS_CONFIG_FILE",
              tmp.resolve("no-aws-config").toString(),
              "AWS_SHARED_CREDENTIALS_FILE",
              tmp.resolve("no-aws-credentials").toString(),
              "S3_ENDPOINT",
              s3.endpoint().toString(),
              "S3_PATH_STYLE",
              "true"));
      Path log = tmp.resolve("calls.log");
      Process process = builder.redirectErrorStream(true).redirectOutput(log.toFile()).start();
      boolean exited = process.waitFor(120, TimeUnit.SECONDS);
      if (!exited) {
        process.destroyForcibly();
      }
      String output = Files.readString(log);
      assertThat(exited).as(output).isTrue();
      assertThat(process.exitValue()).as(output).isZero();
      assertThat(output)
          .contains(
              "loaded iris ",
              "uploaded 4 objects, downloaded 40 bytes",
              "missing key: NO_SUCH_KEY",
              "missing bucket: NO_SUCH_BUCKET",
              "too large: TOO_LARGE",
              "wrong secret: ACCESS_DENIED",
              "listed [rows/chunk-0.jsonl 40, rows/chunk-1.jsonl 40, rows/chunk-2.jsonl 40]",
              "listed page by page [rows/chunk-0.jsonl, rows/chunk-1.jsonl, rows/chunk-2.jsonl]")
          .doesNotContain(SECRET_KEY);
    }
  }
}
