package io.modelship.runtime.training;

import io.modelship.runtime.model.Checksums;
import io.modelship.runtime.model.ModelManifest;
import io.modelship.runtime.model.ModelPackage;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/**
 * Writes a model package of any format: a folder, or a {@code .tar.gz} / {@code .zip} of one, with
 * {@code model.json} and the artifact, whose sha256 goes into the manifest.
 */
public final class PackageWriter {

  /** Writes a format's artifact file. */
  @FunctionalInterface
  public interface ArtifactWriter {
    void write(Path file) throws IOException;
  }

  /**
   * Writes the artifact as {@code artifactFile} and {@code manifest} (its {@code artifact} filled
   * in) to {@code out}; returns the manifest as written.
   */
  public ModelManifest write(
      ModelManifest manifest, String artifactFile, ArtifactWriter artifact, Path out) {
    String name = out.getFileName().toString();
    try {
      if (name.endsWith(".tar.gz") || name.endsWith(".tgz") || name.endsWith(".zip")) {
        // Staged beside the archive, not in /tmp, and removed afterwards whatever happens.
        Path parent = out.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path staging = Files.createTempDirectory(parent, "." + name + ".staging-");
        try {
          ModelManifest written = writeDirectory(manifest, artifactFile, artifact, staging);
          archive(staging, out);
          return written;
        } finally {
          ModelPackage.deleteTree(staging);
        }
      }
      return writeDirectory(manifest, artifactFile, artifact, out);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the model package to " + out, e);
    }
  }

  private ModelManifest writeDirectory(
      ModelManifest m, String artifactFile, ArtifactWriter writer, Path dir) throws IOException {
    Files.createDirectories(dir);
    Path artifact = dir.resolve(artifactFile);
    writer.write(artifact);
    ModelManifest manifest =
        new ModelManifest(
            m.name(),
            m.version(),
            m.format(),
            m.task(),
            m.algorithm(),
            new ModelManifest.Artifact(
                artifactFile,
                Checksums.sha256(artifact),
                m.artifact() == null ? null : m.artifact().checks()),
            m.target(),
            m.features(),
            m.labels(),
            m.hyperparameters(),
            m.metrics(),
            m.reference(),
            m.createdAt());
    ModelPackage.json()
        .writerWithDefaultPrettyPrinter()
        .writeValue(dir.resolve(ModelPackage.MANIFEST_FILE).toFile(), manifest);
    return manifest;
  }

  /**
   * Packs the package files at the archive root, manifest first so {@code inspect} finds it fast.
   */
  public static void archive(Path dir, Path out) throws IOException {
    if (out.getParent() != null) {
      Files.createDirectories(out.getParent());
    }
    ModelManifest manifest = ModelPackage.readManifest(dir);
    List<Path> files =
        List.of(dir.resolve(ModelPackage.MANIFEST_FILE), dir.resolve(manifest.artifact().file()));
    try (OutputStream os = Files.newOutputStream(out)) {
      if (out.getFileName().toString().endsWith(".zip")) {
        try (ZipOutputStream zip = new ZipOutputStream(os)) {
          for (Path file : files) {
            zip.putNextEntry(new ZipEntry(file.getFileName().toString()));
            Files.copy(file, zip);
            zip.closeEntry();
          }
        }
      } else {
        try (TarArchiveOutputStream tar =
            new TarArchiveOutputStream(new GzipCompressorOutputStream(os))) {
          for (Path file : files) {
            TarArchiveEntry entry =
                new TarArchiveEntry(file.toFile(), file.getFileName().toString());
            tar.putArchiveEntry(entry);
            Files.copy(file, tar);
            tar.closeArchiveEntry();
          }
        }
      }
    }
  }
}
