package io.modelship.runtime.retraining;

import io.modelship.api.runtime.UriRedaction;
import io.modelship.runtime.format.ModelPackageException;
import io.modelship.runtime.model.PackageSource;
import io.modelship.runtime.storage.S3Location;
import io.modelship.runtime.storage.S3Store;
import io.modelship.runtime.storage.StorageException;
import io.modelship.runtime.training.LabeledTable;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The original training data ({@code spec.retraining.data.trainingData}): a CSV with the package's
 * feature columns and target, read from {@code file://} (or a path), {@code s3://} or {@code
 * http(s)://}, downloaded under the same size bound as a package and named by its own file name so
 * a bad cell's message names the file a user knows.
 */
final class TrainingData {

  private final Path workDir;
  private final long maxBytes;
  private final Supplier<S3Store> s3;

  TrainingData(Path workDir, long maxBytes, Supplier<S3Store> s3) {
    this.workDir = workDir;
    this.maxBytes = maxBytes;
    this.s3 = s3;
  }

  LabeledTable read(String uri, List<String> features, String target, int index) {
    Path file = fetch(uri, index);
    try {
      return LabeledTable.read(file, target, features);
    } catch (IllegalArgumentException e) {
      throw new RetrainException("training data: " + e.getMessage(), e);
    }
  }

  private Path fetch(String uri, int index) {
    String lower = uri.toLowerCase(Locale.ROOT);
    String shown = UriRedaction.redact(uri);
    try {
      if (lower.startsWith("s3://")) {
        S3Location object = S3Location.parse(uri);
        Path file = target(index, object.key());
        s3.get().download(object, file, maxBytes);
        return file;
      }
      if (lower.startsWith("http://") || lower.startsWith("https://")) {
        Path download =
            new PackageSource(workDir, workDir, maxBytes, 3, Duration.ofSeconds(30)).resolve(uri);
        return Files.move(download, target(index, URI.create(uri).getPath()));
      }
      Path file = lower.startsWith("file:") ? Path.of(URI.create(uri)) : Path.of(uri);
      if (!Files.isRegularFile(file)) {
        throw new RetrainException("training data " + shown + ": no such file");
      }
      return file;
    } catch (StorageException | ModelPackageException e) {
      throw new RetrainException("training data " + shown + ": " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new RetrainException("training data " + shown + ": " + e.getMessage(), e);
    } catch (IOException e) {
      throw new RetrainException(
          "training data " + shown + ": cannot keep the download in " + workDir + ": " + e, e);
    }
  }

  /** {@code WORK/data-N/NAME}: the object's own file name, so messages name it. */
  private Path target(int index, String path) throws IOException {
    String name = path == null ? "" : path.substring(path.lastIndexOf('/') + 1);
    if (name.isBlank() || name.startsWith(".")) {
      name = "training-data.csv";
    }
    return Files.createDirectories(workDir.resolve("data-" + index)).resolve(name);
  }
}
