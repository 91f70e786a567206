package io.modelship.local.pods;

import io.modelship.s3testing.EmbeddedS3;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Local mode's S3-compatible store: S3Proxy on {@code <work>/s3}, with every example package {@code
 * NAME-VERSION.tar.gz} uploaded at start as {@code s3://models/NAME/VERSION.tar.gz}. The examples
 * name it {@link #ENDPOINT}, as a cluster's DNS name; the pod runner points the pods at its real
 * port. Its keys are fixed and public — a local simulation, not a secret.
 */
public final class LocalS3 implements AutoCloseable {

  /** How the examples name the store (spec.model.storage.endpoint). */
  public static final String ENDPOINT = "http://s3.modelship.local";

  public static final String BUCKET = "models";
  public static final String ACCESS_KEY = "modelship-local";
  public static final String SECRET_KEY = "modelship-local-secret";

  private static final Pattern PACKAGE =
      Pattern.compile("([A-Za-z0-9._-]+?)-([0-9][A-Za-z0-9._-]*?)\\.tar\\.gz");

  private final EmbeddedS3 store;

  private LocalS3(EmbeddedS3 store) {
    this.store = store;
  }

  public static LocalS3 start(Path dir, List<Path> packageDirs) {
    EmbeddedS3 store = EmbeddedS3.start(dir, ACCESS_KEY, SECRET_KEY);
    store.createBucket(BUCKET);
    LocalS3 s3 = new LocalS3(store);
    packageDirs.forEach(s3::uploadPackages);
    return s3;
  }

  /**
   * Uploads the packages in {@code dir} (again: a package trained since start replaces its object).
   */
  public void uploadPackages(Path dir) {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.toList()) {
        Matcher m = PACKAGE.matcher(file.getFileName().toString());
        if (m.matches() && Files.isRegularFile(file)) {
          store.putObject(BUCKET, m.group(1) + "/" + m.group(2) + ".tar.gz", file);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Deletes every object under {@code prefix} (a store kept in the work directory since a run). */
  public void deletePrefix(String prefix) {
    Path dir = object(prefix);
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(f);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Puts {@code file} as the object {@code key} of the bucket. */
  public void upload(String key, Path file) {
    store.putObject(BUCKET, key, file);
  }

  public URI endpoint() {
    return store.endpoint();
  }

  /** Where the object {@code key} of the bucket lies on disk. */
  public Path object(String key) {
    return store.objectPath(BUCKET, key);
  }

  @Override
  public void close() {
    store.close();
  }
}
