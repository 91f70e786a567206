package io.modelship.s3testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A real S3-compatible server on this machine: S3Proxy over a directory (each bucket a directory,
 * each object a file), on 127.0.0.1 and an ephemeral port, with AWS signature v2/v4 authentication
 * against one access key. Tests and local mode start it in-process; S3Proxy and its dependencies
 * (Jetty 11, jclouds) live in a class loader of their own, so they cannot clash with the caller's
 * Jetty 12 or logging.
 *
 * <pre>{@code
 * try (EmbeddedS3 s3 = EmbeddedS3.start(dir, "AKIA…", "secret")) {
 *     s3.createBucket("models");
 *     // point an S3 client at s3.endpoint() with path-style access and those credentials
 * }
 * }</pre>
 */
public final class EmbeddedS3 implements AutoCloseable {

  /** The region clients sign for; S3Proxy accepts any. */
  public static final String REGION = "us-east-1";

  private final Path baseDir;
  private final URLClassLoader loader;
  private final AutoCloseable server;
  private final int port;
  private final String accessKey;
  private final String secretKey;

  private EmbeddedS3(
      Path baseDir,
      URLClassLoader loader,
      AutoCloseable server,
      int port,
      String accessKey,
      String secretKey) {
    this.baseDir = baseDir;
    this.loader = loader;
    this.server = server;
    this.port = port;
    this.accessKey = accessKey;
    this.secretKey = secretKey;
  }

  public static EmbeddedS3 start(Path baseDir, String accessKey, String secretKey) {
    URLClassLoader loader = null;
    try {
      Files.createDirectories(baseDir);
      loader = new URLClassLoader("s3proxy", classPath(), ClassLoader.getPlatformClassLoader());
      Class<?> boot = loader.loadClass("io.modelship.s3testing.S3ProxyBoot");
      // jclouds finds its providers through the context class loader, and Jetty's threads inherit
      // it
      Thread thread = Thread.currentThread();
      ClassLoader previous = thread.getContextClassLoader();
      thread.setContextClassLoader(loader);
      try {
        AutoCloseable server =
            (AutoCloseable)
                boot.getConstructor(String.class, String.class, String.class)
                    .newInstance(baseDir.toAbsolutePath().toString(), accessKey, secretKey);
        int port = (int) boot.getMethod("port").invoke(server);
        return new EmbeddedS3(baseDir, loader, server, port, accessKey, secretKey);
      } finally {
        thread.setContextClassLoader(previous);
      }
    } catch (InvocationTargetException e) {
      closeQuietly(loader);
      throw new IllegalStateException("S3Proxy did not start: " + e.getCause(), e.getCause());
    } catch (ReflectiveOperationException | IOException e) {
      closeQuietly(loader);
      throw new IllegalStateException("S3Proxy did not start: " + e, e);
    }
  }

  /** {@code http://127.0.0.1:PORT}: the endpoint to give S3 clients (path-style). */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  public String accessKey() {
    return accessKey;
  }

  public String secretKey() {
    return secretKey;
  }

  /** Creates a bucket (a directory the filesystem backend serves). */
  public void createBucket(String bucket) {
    try {
      Files.createDirectories(baseDir.resolve(bucket));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Where the object {@code key} of {@code bucket} lies on disk (to read what a client wrote). */
  public Path objectPath(String bucket, String key) {
    return baseDir.resolve(bucket).resolve(key);
  }

  /** Puts a file as an object, as an upload through the S3 API would leave it. */
  public void putObject(String bucket, String key, Path file) {
    try {
      Path target = objectPath(bucket, key);
      Files.createDirectories(target.getParent());
      Files.copy(file, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (Exception e) {
      throw new IllegalStateException("S3Proxy did not stop: " + e, e);
    } finally {
      closeQuietly(loader);
    }
  }

  /**
   * S3Proxy's jars (written at build time), then this module's own classes for S3ProxyBoot. Own
   * classes last: in a shaded jar (local mode's) they sit beside other versions of Guava and the
   * like, which must not shadow S3Proxy's.
   */
  private static URL[] classPath() throws IOException {
    List<URL> urls = new ArrayList<>();
    try (InputStream in = EmbeddedS3.class.getResourceAsStream("s3proxy.classpath")) {
      if (in == null) {
        throw new IOException(
            "s3proxy.classpath is missing from modelship-s3-testing (built without Maven?)");
      }
      for (String jar :
          new String(in.readAllBytes(), StandardCharsets.UTF_8)
              .trim()
              .split(java.io.File.pathSeparator)) {
        if (!jar.isBlank()) {
          urls.add(toUrl(Path.of(jar)));
        }
      }
    }
    urls.add(EmbeddedS3.class.getProtectionDomain().getCodeSource().getLocation());
    return urls.toArray(URL[]::new);
  }

  private static URL toUrl(Path jar) {
    try {
      return jar.toUri().toURL();
    } catch (MalformedURLException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static void closeQuietly(URLClassLoader loader) {
    if (loader != null) {
      try {
        loader.close();
      } catch (IOException e) {
        // nothing held open that outlives the process
      }
    }
  }
}
