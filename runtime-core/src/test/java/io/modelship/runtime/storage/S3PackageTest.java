package io.modelship.runtime.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelship.runtime.TestModels;
import io.modelship.runtime.format.ModelPackageException;
import io.modelship.runtime.model.Checksums;
import io.modelship.runtime.model.ModelPackage;
import io.modelship.runtime.model.PackageArchive;
import io.modelship.runtime.model.PackageSource;
import io.modelship.runtime.training.PackageWriter;
import io.modelship.s3testing.EmbeddedS3;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * s3:// packages from a real S3-compatible server (S3Proxy): loaded and verified, or refused with
 * the reason named.
 */
class S3PackageTest {

  static final String ACCESS_KEY = "modelship-test";
  static final String SECRET_KEY = "s3cr3t-never-shown";

  @TempDir static Path tmp;
  static EmbeddedS3 s3;
  static S3Store store;
  static Path archive;

  @BeforeAll
  static void startS3() throws IOException {
    s3 = EmbeddedS3.start(tmp.resolve("s3"), ACCESS_KEY, SECRET_KEY);
    s3.createBucket("models");
    store = storeWith(SECRET_KEY, s3.endpoint(), Duration.ofSeconds(10));
    archive = tmp.resolve("iris.tar.gz");
    PackageWriter.archive(TestModels.irisDirectory(), archive);
    store.upload(S3Location.parse("s3://models/iris/1.0.0.tar.gz"), archive, "application/gzip");
  }

  @AfterAll
  static void stopS3() {
    if (store != null) {
      store.close();
    }
    if (s3 != null) {
      s3.close();
    }
  }

  static S3Store storeWith(String secret, URI endpoint, Duration timeout) {
    return S3Store.create(
        new S3Settings(endpoint, EmbeddedS3.REGION, true, timeout),
        StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, secret)));
  }

  ModelPackage load(S3Store from, String uri, String sha256, long limit) {
    PackageSource source =
        new PackageSource(tmp, tmp.resolve("work"), limit, 2, Duration.ofSeconds(10)).withS3(from);
    return ModelPackage.load(
        uri,
        sha256,
        new ModelPackage.LoadOptions(
            source, new PackageArchive(limit * 4, 100), tmp.resolve("work")));
  }

  @Test
  void loadsAPackageFromS3AndVerifiesItsChecksum() throws IOException {
    try (ModelPackage pkg =
        load(store, "s3://models/iris/1.0.0.tar.gz", Checksums.sha256(archive), 10_000_000)) {
      assertThat(pkg.manifest().name()).isEqualTo("iris");
      assertThat(pkg.packageSha256()).isEqualTo(Checksums.sha256(archive));
    }
    try (Stream<Path> left = Files.list(tmp.resolve("work"))) {
      assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".download"));
    }
  }

  @Test
  void refusesAPackageWhoseChecksumDiffers() {
    assertThatThrownBy(
            () -> load(store, "s3://models/iris/1.0.0.tar.gz", "a".repeat(64), 10_000_000))
        .isInstanceOf(ModelPackageException.class)
        .hasMessageContaining("checksum mismatch")
        .hasMessageContaining("a".repeat(64));
  }

  @Test
  void namesAMissingBucket() {
    assertThatThrownBy(() -> load(store, "s3://no-such-bucket/iris/1.0.0.tar.gz", null, 10_000_000))
        .isInstanceOf(ModelPackageException.class)
        .hasMessageContaining("no such bucket 'no-such-bucket'");
  }

  @Test
  void namesAMissingKey() {
    assertThatThrownBy(() -> load(store, "s3://models/iris/9.9.9.tar.gz", null, 10_000_000))
        .isInstanceOf(ModelPackageException.class)
        .hasMessageContaining("no such key 'iris/9.9.9.tar.gz' in bucket 'models'");
  }

  @Test
  void namesDeniedAccessWithoutShowingTheSecret() {
    try (S3Store wrong = storeWith("not-the-secret", s3.endpoint(), Duration.ofSeconds(10))) {
      assertThatThrownBy(() -> load(wrong, "s3://models/iris/1.0.0.tar.gz", null, 10_000_000))
          .isInstanceOf(ModelPackageException.class)
          .hasMessageContaining("access denied")
          .hasMessageContaining("secretRef")
          .satisfies(
              e ->
                  assertThat(e.getMessage())
                      .doesNotContain("not-the-secret")
                      .doesNotContain(SECRET_KEY));
    }
  }

  @Test
  void namesAnUploadRefusedBeforeItsBodyAsDenied() throws Exception {
    // A store may refuse a PUT on its headers alone (a bad signature) without reading the body;
    // the upload must still be named access denied, not a bare failure.
    List<String> requestLines = new ArrayList<>();
    try (ServerSocket strict = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      Thread refuser =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      while (true) {
                        try (Socket s = strict.accept()) {
                          var in =
                              new java.io.BufferedReader(
                                  new java.io.InputStreamReader(
                                      s.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
                          int length = 0;
                          boolean expects = false;
                          for (String line; (line = in.readLine()) != null && !line.isEmpty(); ) {
                            requestLines.add(line);
                            String lower = line.toLowerCase(java.util.Locale.ROOT);
                            if (lower.startsWith("content-length:")) {
                              length = Integer.parseInt(line.substring(15).trim());
                            }
                            expects |= lower.startsWith("expect:");
                          }
                          // as S3 does: a body the client waits to send is not waited for; one
                          // already on its way is read before the answer
                          for (int i = 0; !expects && i < length && in.read() >= 0; i++) {}
                          byte[] body =
                              ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error>"
                                      + "<Code>SignatureDoesNotMatch</Code><Message>no</Message>"
                                      + "</Error>")
                                  .getBytes(java.nio.charset.StandardCharsets.UTF_8);
                          s.getOutputStream()
                              .write(
                                  ("HTTP/1.1 403 Forbidden\r\nContent-Type: application/xml\r\n"
                                          + "Content-Length: "
                                          + body.length
                                          + "\r\nConnection: close\r\n\r\n")
                                      .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                          s.getOutputStream().write(body);
                          s.getOutputStream().flush();
                        }
                      }
                    } catch (IOException e) {
                      // closed at the end of the test
                    }
                  });
      URI endpoint = URI.create("http://127.0.0.1:" + strict.getLocalPort());
      try (S3Store refused = storeWith(SECRET_KEY, endpoint, Duration.ofSeconds(5))) {
        assertThatThrownBy(
                () ->
                    refused.upload(
                        S3Location.parse("s3://rows/denied"), new byte[] {1, 2, 3}, "text/plain"))
            .isInstanceOfSatisfying(
                StorageException.class,
                e ->
                    assertThat(e.problem())
                        .as(e.getMessage())
                        .isEqualTo(StorageException.Problem.ACCESS_DENIED))
            .hasMessageContaining("SignatureDoesNotMatch");
      }
      refuser.interrupt();
    }
    assertThat(requestLines)
        .noneMatch(l -> l.toLowerCase(java.util.Locale.ROOT).startsWith("expect:"));
  }

  @Test
  void refusesAPackageLargerThanAllowed() throws IOException {
    long limit = Files.size(archive) - 1;
    assertThatThrownBy(() -> load(store, "s3://models/iris/1.0.0.tar.gz", null, limit))
        .isInstanceOf(ModelPackageException.class)
        .hasMessageContaining("over the limit of " + limit + " bytes");
    try (Stream<Path> left = Files.list(tmp.resolve("work"))) {
      assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".download"));
    }
  }

  @Test
  void namesAStoreThatDoesNotAnswerAsATimeout() throws Exception {
    List<Socket> held = new ArrayList<>();
    try (ServerSocket silent = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      Thread acceptor =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      while (true) {
                        held.add(silent.accept()); // accepted, never answered
                      }
                    } catch (IOException e) {
                      // closed at the end of the test
                    }
                  });
      URI endpoint = URI.create("http://127.0.0.1:" + silent.getLocalPort());
      try (S3Store slow = storeWith(SECRET_KEY, endpoint, Duration.ofSeconds(1))) {
        long start = System.nanoTime();
        assertThatThrownBy(() -> load(slow, "s3://models/iris/1.0.0.tar.gz", null, 10_000_000))
            .isInstanceOf(ModelPackageException.class)
            .hasMessageContaining("timed out")
            .hasMessageContaining("after 2 attempt(s)");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
      }
      acceptor.interrupt();
    } finally {
      for (Socket s : held) {
        s.close();
      }
    }
  }

  @Test
  void refusesAPrefixOrAMalformedUri() {
    assertThatThrownBy(() -> load(store, "s3://models/iris/", null, 10_000_000))
        .isInstanceOf(ModelPackageException.class)
        .hasMessageContaining("names a prefix");
    assertThatThrownBy(() -> load(store, "s3://Bad_Bucket/x.tar.gz", null, 10_000_000))
        .isInstanceOf(ModelPackageException.class)
        .hasMessageContaining("not a valid bucket name");
  }
}
