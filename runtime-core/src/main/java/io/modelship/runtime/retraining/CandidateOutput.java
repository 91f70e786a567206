package io.modelship.runtime.retraining;

import io.modelship.runtime.storage.S3Location;
import io.modelship.runtime.storage.S3Store;
import io.modelship.runtime.storage.StorageException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Puts the candidate's archive under {@code spec.retraining.output} ({@code s3://BUCKET/PREFIX/} or
 * {@code file:///DIR/}) as one object the runtime serves from the URI returned.
 */
final class CandidateOutput {

  static final int ATTEMPTS = 3;

  private CandidateOutput() {}

  /** Uploads {@code archive} as {@code PREFIX/FILE-NAME}; returns its URI. */
  static String upload(String prefix, Path archive, Supplier<S3Store> s3) {
    String name = archive.getFileName().toString();
    String lower = prefix.toLowerCase(Locale.ROOT);
    if (lower.startsWith("s3://")) {
      S3Location object;
      try {
        object = S3Location.parse(prefix.endsWith("/") ? prefix : prefix + "/").child(name);
      } catch (IllegalArgumentException e) {
        throw new RetrainException("output: " + e.getMessage());
      }
      StorageException last = null;
      for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
        try {
          s3.get().upload(object, archive, "application/gzip");
          return object.toString();
        } catch (StorageException e) {
          last = e;
          if (!e.problem().retryable()) {
            break;
          }
          if (attempt < ATTEMPTS) {
            pause(attempt);
          }
        }
      }
      throw new RetrainException("upload of the candidate failed: " + last.getMessage(), last);
    }
    if (lower.startsWith("file:/")) {
      Path dir = Path.of(URI.create(prefix));
      Path target = dir.resolve(name);
      try {
        Files.createDirectories(dir);
        Path partial = dir.resolve("." + name + ".partial");
        Files.copy(archive, partial, StandardCopyOption.REPLACE_EXISTING);
        Files.move(
            partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException e) {
        throw new RetrainException(
            "upload of the candidate failed: cannot write " + target + ": " + e, e);
      }
      return target.toUri().toString();
    }
    throw new RetrainException(
        "output '" + prefix + "' is neither s3://BUCKET/PREFIX/ nor file:///DIR/");
  }

  private static void pause(int attempt) {
    try {
      Thread.sleep(200L * attempt * attempt);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
