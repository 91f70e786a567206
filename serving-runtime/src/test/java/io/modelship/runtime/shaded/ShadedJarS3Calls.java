package io.modelship.runtime.shaded;

import io.modelship.runtime.model.ModelPackage;
import io.modelship.runtime.storage.S3Location;
import io.modelship.runtime.storage.S3Settings;
import io.modelship.runtime.storage.S3Store;
import io.modelship.runtime.storage.StorageException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Run by {@link ShadedJarS3IT} in a JVM of its own whose class path is {@code serving-runtime.jar}
 * and this class only: every S3 call the runtime makes (the package download as {@code serve} does
 * it, the sink's uploads, the retraining's listing), with the store's errors, from the shaded jar.
 * A class the jar's shade filters dropped and a call needs fails here with {@code
 * NoClassDefFoundError}. Credentials and the endpoint come from the environment, as in a pod.
 *
 * <p>Arguments: the bucket, the key of the iris package in it.
 */
public final class ShadedJarS3Calls {

  public static void main(String[] args) throws Exception {
    String bucket = args[0];
    String packageKey = args[1];
    Map<String, String> env = System.getenv();
    Path dir = Files.createTempDirectory("shaded-s3-");

    // serve's download of an s3:// package (PackageSource, the default credential chain)
    try (ModelPackage pkg =
        ModelPackage.load(
            "s3://" + bucket + "/" + packageKey,
            null,
            ModelPackage.LoadOptions.of(dir, dir.resolve("work"), 10_000_000))) {
      System.out.println("loaded " + pkg.manifest().name() + " " + pkg.manifest().version());
    }

    S3Settings settings = S3Settings.fromEnvironment(env, Duration.ofSeconds(10));
    try (S3Store store = S3Store.create(settings)) {
      // the sink's chunks (bytes) and a file upload (retraining's candidate package)
      byte[] rows =
          "{\"features\":[1,2,3,4],\"label\":\"setosa\"}\n".getBytes(StandardCharsets.UTF_8);
      for (int i = 0; i < 3; i++) {
        store.upload(
            S3Location.parse("s3://" + bucket + "/rows/chunk-" + i + ".jsonl"),
            rows,
            "application/x-ndjson");
      }
      Path file = dir.resolve("candidate.bin");
      Files.write(file, new byte[100_000]);
      store.upload(
          S3Location.parse("s3://" + bucket + "/candidates/1.tar.gz"), file, "application/gzip");
      Path back = dir.resolve("back.bin");
      long bytes =
          store.download(S3Location.parse("s3://" + bucket + "/rows/chunk-1.jsonl"), back, 1000);
      check(Arrays.equals(Files.readAllBytes(back), rows), "downloaded bytes differ");
      System.out.println("uploaded 4 objects, downloaded " + bytes + " bytes");

      System.out.println(
          "missing key: "
              + problem(
                  () ->
                      store.download(
                          S3Location.parse("s3://" + bucket + "/rows/none"),
                          dir.resolve("x"),
                          1000)));
      System.out.println(
          "missing bucket: "
              + problem(
                  () ->
                      store.download(
                          S3Location.parse("s3://no-such-bucket/x"), dir.resolve("x"), 1000)));
      System.out.println(
          "too large: "
              + problem(
                  () ->
                      store.download(
                          S3Location.parse("s3://" + bucket + "/candidates/1.tar.gz"),
                          dir.resolve("x"),
                          10)));
    }
    try (S3Store wrong =
        S3Store.create(
            settings,
            StaticCredentialsProvider.create(
                AwsBasicCredentials.create(env.get("AWS_ACCESS_KEY_ID"), "not-the-secret")))) {
      System.out.println(
          "wrong secret: "
              + problem(
                  () ->
                      wrong.upload(
                          S3Location.parse("s3://" + bucket + "/rows/denied"),
                          new byte[1],
                          "text/plain")));
    }

    // listing, as retraining reads the sink's chunks: one page, and page by page
    try (S3Client client =
        S3Client.builder()
            .httpClientBuilder(UrlConnectionHttpClient.builder())
            .region(Region.of(settings.region()))
            .endpointOverride(URI.create(env.get("S3_ENDPOINT")))
            .forcePathStyle(true)
            .build()) {
      ListObjectsV2Response page =
          client.listObjectsV2(
              ListObjectsV2Request.builder().bucket(bucket).prefix("rows/").build());
      List<String> keys = new ArrayList<>();
      for (S3Object object : page.contents()) {
        keys.add(object.key() + " " + object.size());
      }
      System.out.println("listed " + keys);
      List<String> paged = new ArrayList<>();
      client
          .listObjectsV2Paginator(
              ListObjectsV2Request.builder().bucket(bucket).prefix("rows/").maxKeys(1).build())
          .contents()
          .forEach(o -> paged.add(o.key()));
      System.out.println("listed page by page " + paged);
    }
  }

  private static String problem(Runnable call) {
    try {
      call.run();
      return "none";
    } catch (StorageException e) {
      // the whole message beside the name: what the store or the connection said, for a failure
      System.err.println(e.problem() + ": " + e.getMessage());
      return e.problem().name();
    }
  }

  private static void check(boolean condition, String message) {
    if (!condition) {
      throw new AssertionError(message);
    }
  }
}
