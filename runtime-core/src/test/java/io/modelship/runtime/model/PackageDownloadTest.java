package io.modelship.runtime.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.modelship.runtime.TestModels;
import io.modelship.runtime.format.ModelPackageException;
import io.modelship.runtime.training.PackageWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Packages over HTTP: retried on server errors, refused on client errors, bounded in size. */
class PackageDownloadTest {

  @TempDir Path tmp;
  HttpServer server;
  byte[] archive;
  final AtomicInteger requests = new AtomicInteger();
  final java.util.List<String> authorizations = new java.util.concurrent.CopyOnWriteArrayList<>();

  @BeforeEach
  void serve() throws IOException {
    Path tgz = tmp.resolve("iris.tar.gz");
    PackageWriter.archive(TestModels.irisDirectory(), tgz);
    archive = Files.readAllBytes(tgz);
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/flaky/iris.tar.gz",
        exchange -> {
          if (requests.incrementAndGet() < 3) {
            exchange.sendResponseHeaders(503, -1);
          } else {
            exchange.sendResponseHeaders(200, archive.length);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(archive);
            }
          }
          exchange.close();
        });
    server.createContext(
        "/missing.tar.gz",
        exchange -> {
          requests.incrementAndGet();
          exchange.sendResponseHeaders(404, -1);
          exchange.close();
        });
    server.createContext(
        "/stalls/iris.tar.gz",
        exchange -> {
          requests.incrementAndGet();
          exchange.sendResponseHeaders(200, archive.length);
          OutputStream out = exchange.getResponseBody();
          out.write(archive, 0, 100);
          out.flush();
          try {
            Thread.sleep(30_000); // the headers and 100 bytes came; the rest never does
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          exchange.close();
        });
    server.createContext(
        "/private/iris.tar.gz",
        exchange -> {
          requests.incrementAndGet();
          authorizations.add(
              String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
          if (!("Basic "
                  + java.util.Base64.getEncoder()
                      .encodeToString(
                          "reader@corp:p:ss/w".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
              .equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            exchange.sendResponseHeaders(401, -1);
          } else {
            exchange.sendResponseHeaders(200, archive.length);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(archive);
            }
          }
          exchange.close();
        });
    server.createContext(
        "/moved",
        exchange -> { // ?to=URL: a redirect there
          requests.incrementAndGet();
          authorizations.add(
              String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
          exchange
              .getResponseHeaders()
              .add("Location", exchange.getRequestURI().getQuery().substring("to=".length()));
          exchange.sendResponseHeaders(302, -1);
          exchange.close();
        });
    server.createContext(
        "/public/iris.tar.gz",
        exchange -> {
          authorizations.add(
              String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
          exchange.sendResponseHeaders(200, archive.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(archive);
          }
          exchange.close();
        });
    server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private ModelPackage load(String path, long limit, String sha) {
    PackageSource source =
        new PackageSource(tmp, tmp.resolve("downloads"), limit, 3, Duration.ofSeconds(5));
    return ModelPackage.load(
        "http://127.0.0.1:" + server.getAddress().getPort() + path,
        sha,
        new ModelPackage.LoadOptions(
            source, new PackageArchive(limit * 4, 100), tmp.resolve("work")));
  }

  @Test
  void retriesServerErrorsAndVerifiesTheDownload() {
    ModelPackage pkg =
        load("/flaky/iris.tar.gz", 10_000_000, Checksums.sha256(tmp.resolve("iris.tar.gz")));
    assertThat(requests.get()).isEqualTo(3);
    assertThat(pkg.manifest().name()).isEqualTo("iris");
    assertThat(tmp.resolve("downloads"))
        .as("the downloaded archive is removed once unpacked")
        .isEmptyDirectory();
  }

  @Test
  void aStalledDownloadFailsAfterTheReadDeadline() {
    PackageSource source =
        new PackageSource(tmp, tmp.resolve("downloads"), 10_000_000, 2, Duration.ofSeconds(1));
    long start = System.nanoTime();
    assertThatThrownBy(
            () ->
                source.resolve(
                    "http://127.0.0.1:"
                        + server.getAddress().getPort()
                        + "/stalls/iris.tar.gz?X-Amz-Signature=s3cr3t"))
        .isInstanceOf(ModelPackageException.class)
        .hasMessageContaining("failed after 2 attempt(s)")
        .hasMessageContaining("no data for 1 s after 100 bytes (read deadline)")
        .hasMessageNotContaining("s3cr3t");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    assertThat(requests.get()).isEqualTo(2);
    assertThat(tmp.resolve("downloads")).as("partial downloads are not kept").isEmptyDirectory();
  }

  @Test
  void leftoversOfEarlierRunsAreRemovedAndNothingElse() throws IOException {
    Path work = Files.createDirectories(tmp.resolve("scratch"));
    Files.createDirectories(work.resolve("model-123/iris"));
    Files.writeString(work.resolve("model-123/iris/model.bin"), "old");
    Files.writeString(work.resolve("package-9.download"), "partial");
    Files.writeString(work.resolve("keep.txt"), "not ours");
    assertThat(ModelPackage.removeLeftovers(work)).isEqualTo(2);
    try (var left = Files.list(work)) {
      assertThat(left.map(p -> p.getFileName().toString()).toList()).containsExactly("keep.txt");
    }
  }

  private String at(String host, String path) {
    return "http://" + host + ":" + server.getAddress().getPort() + path;
  }

  @Test
  void credentialsInTheUriAreSentAsBasicAuthAndNeverShown() {
    PackageSource source =
        new PackageSource(tmp, tmp.resolve("downloads"), 10_000_000, 1, Duration.ofSeconds(5));
    // user "reader@corp", password "p:ss/w", percent-encoded as a URI must carry them
    Path got = source.resolve(at("reader%40corp:p%3Ass%2Fw@127.0.0.1", "/private/iris.tar.gz"));
    assertThat(got).exists();
    assertThatThrownBy(
            () -> source.resolve(at("reader%40corp:wrong@127.0.0.1", "/private/iris.tar.gz")))
        .isInstanceOf(ModelPackageException.class)
        .hasMessageContaining("HTTP 401")
        .hasMessageNotContaining("wrong")
        .hasMessageNotContaining("reader");
    assertThatThrownBy(() -> source.resolve(at("justauser@127.0.0.1", "/private/iris.tar.gz")))
        .hasMessageContaining("has a user but no password");
  }

  @Test
  void aRedirectToAnotherHostIsRefusedUnlessAllowedAndNeverGetsTheCredentials() {
    PackageSource source =
        new PackageSource(tmp, tmp.resolve("downloads"), 10_000_000, 1, Duration.ofSeconds(5));
    String elsewhere = at("localhost", "/public/iris.tar.gz"); // same server, another host name
    assertThatThrownBy(() -> source.resolve(at("127.0.0.1", "/moved?to=" + elsewhere)))
        .isInstanceOf(ModelPackageException.class)
        .hasMessageContaining(
            "was redirected to " + elsewhere + ", another host; refusing to follow it")
        .hasMessageContaining("MODEL_ALLOW_CROSS_HOST_REDIRECTS=true");
    assertThat(source.resolve(at("127.0.0.1", "/moved?to=/public/iris.tar.gz")))
        .as("same host")
        .exists();

    authorizations.clear();
    Path got =
        source
            .withCrossHostRedirects(true)
            .resolve(at("u:secret@127.0.0.1", "/moved?to=" + elsewhere));
    assertThat(got).exists();
    assertThat(authorizations).as("credentials go to the URI's own host only").hasSize(2);
    assertThat(authorizations.get(0)).startsWith("Basic ");
    assertThat(authorizations.get(1)).isEqualTo("null");
  }

  @Test
  void clientErrorsFailAtOnce() {
    assertThatThrownBy(() -> load("/missing.tar.gz", 10_000_000, null))
        .isInstanceOf(ModelPackageException.class)
        .hasMessageContaining("HTTP 404");
    assertThat(requests.get()).isEqualTo(1);
  }

  @Test
  void packagesOverTheSizeLimitAreRefused() {
    requests.set(2);
    assertThatThrownBy(() -> load("/flaky/iris.tar.gz", 1000, null))
        .hasMessageContaining("over the limit of 1000");
    assertThat(tmp.resolve("downloads")).doesNotExist();
  }

  @Test
  void aDownloadWithTheWrongChecksumIsRefused() {
    requests.set(2);
    assertThatThrownBy(() -> load("/flaky/iris.tar.gz", 10_000_000, "f".repeat(64)))
        .hasMessageContaining("checksum mismatch");
    assertThat(tmp.resolve("downloads")).as("a refused download is not kept").isEmptyDirectory();
  }
}
