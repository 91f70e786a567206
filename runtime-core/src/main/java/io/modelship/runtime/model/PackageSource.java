package io.modelship.runtime.model;

import io.modelship.api.runtime.UriRedaction;
import io.modelship.runtime.format.ModelPackageException;
import io.modelship.runtime.storage.S3Location;
import io.modelship.runtime.storage.S3Settings;
import io.modelship.runtime.storage.S3Store;
import io.modelship.runtime.storage.StorageException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Turns a model URI into a local path: a plain path, {@code file://}, {@code pvc://CLAIM/PATH} (a
 * claim the operator mounts under {@code pvcRoot/CLAIM}), {@code http(s)://} or {@code
 * s3://BUCKET/KEY}, downloaded with timeouts, a size bound and a few retries.
 */
public final class PackageSource {

  private final Path pvcRoot;
  private final Path workDir;
  private final long maxDownloadBytes;
  private final int attempts;
  private final Duration timeout;
  private final boolean crossHostRedirects;

  /** Null: made from the process's environment when the first s3:// URI comes. */
  private final S3Store s3;

  public PackageSource(
      Path pvcRoot, Path workDir, long maxDownloadBytes, int attempts, Duration timeout) {
    this(pvcRoot, workDir, maxDownloadBytes, attempts, timeout, false, null);
  }

  private PackageSource(
      Path pvcRoot,
      Path workDir,
      long maxDownloadBytes,
      int attempts,
      Duration timeout,
      boolean crossHostRedirects,
      S3Store s3) {
    this.pvcRoot = pvcRoot;
    this.workDir = workDir;
    this.maxDownloadBytes = maxDownloadBytes;
    this.attempts = attempts;
    this.timeout = timeout;
    this.crossHostRedirects = crossHostRedirects;
    this.s3 = s3;
  }

  /**
   * This source, reading s3:// URIs from {@code store} instead of a store configured by the
   * environment.
   */
  public PackageSource withS3(S3Store store) {
    return new PackageSource(
        pvcRoot, workDir, maxDownloadBytes, attempts, timeout, crossHostRedirects, store);
  }

  /**
   * This source, following redirects to other hosts too ({@code MODEL_ALLOW_CROSS_HOST_REDIRECTS}).
   * By default a redirect may only change the path: the URI's owner chose the host, and a redirect
   * elsewhere (a compromised or misconfigured server) would fetch a model from someone else.
   */
  public PackageSource withCrossHostRedirects(boolean allowed) {
    return new PackageSource(pvcRoot, workDir, maxDownloadBytes, attempts, timeout, allowed, s3);
  }

  /** Redirects followed at most, like a browser's lower bound. */
  static final int MAX_REDIRECTS = 5;

  static final String DOWNLOAD_SUFFIX = ".download";

  /**
   * Whether {@code path} is a download this source made (and the loader may delete once unpacked).
   */
  public boolean isDownload(Path path) {
    return path.startsWith(workDir) && path.getFileName().toString().endsWith(DOWNLOAD_SUFFIX);
  }

  public Path resolve(String uri) {
    if (uri == null || uri.isBlank()) {
      throw new ModelPackageException("no model URI given (--model or MODEL_URI)");
    }
    String scheme = schemeOf(uri);
    Path local =
        switch (scheme) {
          case "" -> Path.of(uri);
          case "file" -> Path.of(URI.create(uri));
          case "pvc" -> pvcPath(uri);
          case "http", "https" -> download(URI.create(uri));
          case "s3" -> downloadS3(uri);
          default ->
              throw new ModelPackageException(
                  "unsupported model URI scheme '"
                      + scheme
                      + "' in "
                      + UriRedaction.redact(uri)
                      + " (supported: file://, http://, https://, pvc://CLAIM/PATH, s3://BUCKET/KEY or a local path)");
        };
    if (!Files.exists(local)) {
      throw new ModelPackageException("model package not found: " + local);
    }
    return local;
  }

  static String schemeOf(String uri) {
    int colon = uri.indexOf("://");
    return colon < 0 ? "" : uri.substring(0, colon).toLowerCase(Locale.ROOT);
  }

  private Path pvcPath(String uri) {
    String rest = uri.substring("pvc://".length());
    int slash = rest.indexOf('/');
    if (slash <= 0 || slash == rest.length() - 1) {
      throw new ModelPackageException("pvc URI must look like pvc://CLAIM/PATH, got " + uri);
    }
    Path claimRoot = pvcRoot.resolve(rest.substring(0, slash)).normalize();
    Path path = claimRoot.resolve(rest.substring(slash + 1)).normalize();
    if (!path.startsWith(claimRoot)) {
      throw new ModelPackageException("pvc URI path escapes its claim: " + uri);
    }
    return path;
  }

  /**
   * Downloads an S3 object with the same size bound and retries as http(s): a timeout or a store
   * that is down is tried again, a missing bucket or key, denied access or a package too large is
   * final.
   */
  private Path downloadS3(String uri) {
    S3Location object;
    try {
      object = S3Location.parse(uri);
    } catch (IllegalArgumentException e) {
      throw new ModelPackageException(e.getMessage());
    }
    if (object.isPrefix()) {
      throw new ModelPackageException(
          "s3 URI " + uri + " names a prefix, not a package: give the key of a .tar.gz or .zip");
    }
    S3Store store = s3;
    boolean own = store == null;
    try {
      if (own) {
        store = S3Store.create(S3Settings.fromEnvironment(System.getenv(), timeout));
      }
      StorageException last = null;
      for (int attempt = 1; attempt <= attempts; attempt++) {
        Path file = null;
        try {
          Files.createDirectories(workDir);
          file = Files.createTempFile(workDir, "package-", DOWNLOAD_SUFFIX);
          store.download(object, file, maxDownloadBytes);
          return file;
        } catch (StorageException e) {
          deleteQuietly(file);
          if (!e.problem().retryable()) {
            throw new ModelPackageException("model package " + uri + ": " + e.getMessage(), e);
          }
          last = e;
          if (attempt < attempts) {
            sleepBeforeRetry(attempt);
          }
        } catch (IOException e) {
          deleteQuietly(file);
          throw new ModelPackageException(
              "cannot write the download of " + uri + " to " + workDir + ": " + e, e);
        }
      }
      throw new ModelPackageException(
          "download of " + uri + " failed after " + attempts + " attempt(s): " + last.getMessage(),
          last);
    } catch (IllegalArgumentException e) {
      throw new ModelPackageException("cannot read " + uri + ": " + e.getMessage(), e);
    } finally {
      if (own && store != null) {
        store.close();
      }
    }
  }

  private static void deleteQuietly(Path file) {
    if (file != null) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        // left for removeLeftovers at the next start
      }
    }
  }

  private Path download(URI given) {
    // The JDK client drops user-info silently; it is sent as basic auth instead, and the URI
    // requested carries none of it (so it reaches no log or header but Authorization).
    String authorization = basicAuth(given);
    URI uri = withoutUserInfo(given);
    HttpClient client =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER) // followed here, so each hop is checked
            .build();
    ModelPackageException last = null;
    for (int attempt = 1; attempt <= attempts; attempt++) {
      try {
        return downloadOnce(client, uri, given, authorization);
      } catch (RetryableDownloadException e) {
        last =
            new ModelPackageException(
                "download of "
                    + UriRedaction.redact(given.toString())
                    + " failed after "
                    + attempt
                    + " attempt(s): "
                    + e.getMessage(),
                e);
        if (attempt < attempts) {
          sleepBeforeRetry(attempt);
        }
      }
    }
    throw last;
  }

  /** {@code Basic …} from the URI's {@code user:password@}, or null when it has none. */
  static String basicAuth(URI uri) {
    String userInfo = uri.getUserInfo(); // decoded: user%40corp:p%3Ass → user@corp:p:ss
    if (userInfo == null) {
      return null;
    }
    if (!userInfo.contains(":")) {
      throw new ModelPackageException(
          "model URI "
              + UriRedaction.redact(uri.toString())
              + " has a user but no"
              + " password (user:password@host); give both, or put a token in a signed URL");
    }
    return "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
  }

  private static URI withoutUserInfo(URI uri) {
    if (uri.getRawUserInfo() == null) {
      return uri;
    }
    String raw = uri.toString();
    return URI.create(raw.replaceFirst("//[^/@]*@", "//"));
  }

  /**
   * Follows up to {@link #MAX_REDIRECTS} redirects: to the same host (scheme, host and port), or
   * elsewhere only when allowed, and never from https to http; credentials go to the URI's own host
   * only.
   */
  private Path downloadOnce(HttpClient client, URI start, URI given, String authorization) {
    URI uri = start;
    for (int hop = 0; ; hop++) {
      boolean sameHost = sameOrigin(start, uri);
      HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout).GET();
      if (authorization != null && sameHost) {
        request.header("Authorization", authorization);
      }
      try {
        HttpResponse<InputStream> response =
            client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        int status = response.statusCode();
        if (status == 301 || status == 302 || status == 303 || status == 307 || status == 308) {
          response.body().close();
          URI next =
              uri.resolve(
                  response
                      .headers()
                      .firstValue("Location")
                      .orElseThrow(
                          () ->
                              new ModelPackageException(
                                  "download of "
                                      + UriRedaction.redact(start.toString())
                                      + ": HTTP "
                                      + status
                                      + " without a Location")));
          checkRedirect(given, uri, next, hop);
          uri = next;
          continue;
        }
        return save(
            response, uri.equals(start) ? given : uri); // named as given (redacted) where it is
      } catch (IOException e) {
        throw new RetryableDownloadException(e.toString());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ModelPackageException(
            "download of " + UriRedaction.redact(uri.toString()) + " interrupted", e);
      }
    }
  }

  private void checkRedirect(URI start, URI from, URI to, int hop) {
    String what =
        "download of "
            + UriRedaction.redact(start.toString())
            + " was redirected to "
            + UriRedaction.redact(to.toString());
    if (hop + 1 > MAX_REDIRECTS) {
      throw new ModelPackageException(
          what + " after " + MAX_REDIRECTS + " redirects already; refusing to follow more");
    }
    if (!"http".equalsIgnoreCase(to.getScheme()) && !"https".equalsIgnoreCase(to.getScheme())) {
      throw new ModelPackageException(what + ", which is not http(s); refusing to follow it");
    }
    if ("https".equalsIgnoreCase(from.getScheme()) && "http".equalsIgnoreCase(to.getScheme())) {
      throw new ModelPackageException(what + ", from https to plain http; refusing to follow it");
    }
    if (!sameOrigin(withoutUserInfo(start), to) && !crossHostRedirects) {
      throw new ModelPackageException(
          what
              + ", another host; refusing to follow it (set"
              + " MODEL_ALLOW_CROSS_HOST_REDIRECTS=true to allow redirects to other hosts)");
    }
  }

  private static boolean sameOrigin(URI a, URI b) {
    return a.getScheme().equalsIgnoreCase(b.getScheme())
        && a.getHost() != null
        && a.getHost().equalsIgnoreCase(b.getHost())
        && port(a) == port(b);
  }

  private static int port(URI uri) {
    return uri.getPort() >= 0
        ? uri.getPort()
        : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
  }

  private Path save(HttpResponse<InputStream> response, URI uri) throws IOException {
    try (InputStream body = response.body()) {
      int status = response.statusCode();
      if (status >= 500 || status == 429) {
        throw new RetryableDownloadException("HTTP " + status);
      }
      if (status != 200) {
        throw new ModelPackageException(
            "download of " + UriRedaction.redact(uri.toString()) + " failed: HTTP " + status);
      }
      long declared = response.headers().firstValueAsLong("Content-Length").orElse(-1);
      if (declared > maxDownloadBytes) {
        throw new ModelPackageException(
            "model package at "
                + UriRedaction.redact(uri.toString())
                + " is "
                + declared
                + " bytes, over the limit of "
                + maxDownloadBytes);
      }
      Files.createDirectories(workDir);
      Path file = Files.createTempFile(workDir, "package-", DOWNLOAD_SUFFIX);
      try {
        long copied = copyBounded(body, file, uri);
        if (declared >= 0 && copied != declared) {
          throw new RetryableDownloadException(
              "connection closed after " + copied + " of " + declared + " bytes");
        }
        return file;
      } catch (IOException | RuntimeException e) {
        Files.deleteIfExists(
            file); // a pod's /tmp is a small emptyDir: never keep partial downloads
        throw e;
      }
    }
  }

  /**
   * Copies the body, failing when no byte arrives for {@code timeout} (the read deadline: the
   * request timeout only covers the response headers, so a server that stalls mid-body would
   * otherwise hold the pod unready forever).
   */
  private long copyBounded(InputStream in, Path file, URI uri) throws IOException {
    long total = 0;
    byte[] buffer = new byte[64 * 1024];
    AtomicLong lastRead = new AtomicLong(System.nanoTime());
    AtomicBoolean stalled = new AtomicBoolean();
    Thread reader = Thread.currentThread();
    Thread watchdog =
        Thread.ofVirtual()
            .name("download-deadline")
            .start(
                () -> {
                  try {
                    for (long idle;
                        (idle = System.nanoTime() - lastRead.get()) < timeout.toNanos(); ) {
                      Thread.sleep(Math.max(1, (timeout.toNanos() - idle) / 1_000_000));
                    }
                    stalled.set(true);
                    reader.interrupt();
                    in.close();
                  } catch (InterruptedException | IOException e) {
                    // the copy ended first
                  }
                });
    try (OutputStream out = Files.newOutputStream(file)) {
      for (int n; (n = in.read(buffer)) > 0; ) {
        lastRead.set(System.nanoTime());
        total += n;
        if (total > maxDownloadBytes) {
          throw new ModelPackageException(
              "model package at "
                  + UriRedaction.redact(uri.toString())
                  + " exceeds the limit of "
                  + maxDownloadBytes
                  + " bytes");
        }
        out.write(buffer, 0, n);
      }
    } catch (IOException e) {
      if (stalled.get()) {
        throw new RetryableDownloadException(
            "no data for " + timeout.toSeconds() + " s after " + total + " bytes (read deadline)");
      }
      throw e;
    } finally {
      watchdog.interrupt();
      if (stalled.get()) {
        Thread.interrupted(); // the deadline's interrupt must not leak into the retry
      }
    }
    if (stalled.get()) {
      throw new RetryableDownloadException(
          "no data for " + timeout.toSeconds() + " s after " + total + " bytes (read deadline)");
    }
    return total;
  }

  private static void sleepBeforeRetry(int attempt) {
    try {
      Thread.sleep(200L * attempt * attempt);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static final class RetryableDownloadException extends RuntimeException {
    RetryableDownloadException(String message) {
      super(message);
    }
  }
}
