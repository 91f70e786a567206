package io.modelship.runtime.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelship.runtime.format.LoadedModel;
import io.modelship.runtime.format.ModelFormat;
import io.modelship.runtime.format.ModelFormats;
import io.modelship.runtime.format.ModelPackageException;
import io.modelship.runtime.format.ModelSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/**
 * A loaded, verified model: its manifest and a ready {@link LoadedModel} of the manifest's format.
 * Loading refuses anything inconsistent (manifest, checksum, archive rules here; class allow-list,
 * inputs, outputs, labels in the format) with a message that names the problem.
 */
public record ModelPackage(
    ModelManifest manifest, LoadedModel model, Path location, String packageSha256)
    implements AutoCloseable {

  public static final String MANIFEST_FILE = "model.json";

  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  public List<String> featureNames() {
    return manifest.featureNames();
  }

  @Override
  public void close() {
    model.close();
  }

  /** Options of the loader; defaults suit a pod with an emptyDir at /tmp. */
  public record LoadOptions(PackageSource source, PackageArchive archive, Path workDir) {

    /**
     * Three download attempts with 30 s timeouts; archives may unpack to at most 4x the download
     * limit.
     */
    public static LoadOptions of(Path pvcRoot, Path workDir, long maxDownloadBytes) {
      return of(pvcRoot, workDir, maxDownloadBytes, false);
    }

    /**
     * As above; {@code crossHostRedirects}: whether a download may follow a redirect to another
     * host.
     */
    public static LoadOptions of(
        Path pvcRoot, Path workDir, long maxDownloadBytes, boolean crossHostRedirects) {
      return new LoadOptions(
          new PackageSource(pvcRoot, workDir, maxDownloadBytes, 3, Duration.ofSeconds(30))
              .withCrossHostRedirects(crossHostRedirects),
          new PackageArchive(
              maxDownloadBytes * io.modelship.api.runtime.RuntimeEnvironment.UNPACK_RATIO, 1000),
          workDir);
    }
  }

  /**
   * Resolves, unpacks, verifies and deserialises the package at {@code uri}.
   *
   * @param expectedSha256 optional: sha256 of the archive the URI names, or of the artifact when
   *     the URI is a directory
   */
  public static ModelPackage load(String uri, String expectedSha256, LoadOptions options) {
    Path local = options.source().resolve(uri);
    Path dir;
    String sha;
    if (Files.isDirectory(local)) {
      dir = local;
      sha = null;
    } else {
      try {
        sha = Checksums.sha256(local);
        checkExpected(expectedSha256, sha, "package " + uri);
        dir = unpack(local, options);
      } finally {
        if (options.source().isDownload(local)) {
          deleteQuietly(local); // unpacked (or refused): the archive only takes emptyDir space
        }
      }
    }
    dir = packageRoot(dir);
    ModelManifest manifest = readManifest(dir);
    ModelFormat format = ModelFormats.named(manifest.format());
    // The format starts (ONNX Runtime: its native library) while the artifact is checked below.
    ModelSpec spec = spec(manifest);
    Thread.ofPlatform().daemon().name("format-prepare").start(() -> format.prepare(spec));
    Path artifact = dir.resolve(manifest.artifact().file()).normalize();
    if (!artifact.startsWith(dir.normalize()) || !Files.isRegularFile(artifact)) {
      throw new ModelPackageException(
          "artifact '"
              + manifest.artifact().file()
              + "' named in model.json"
              + " is missing from the package");
    }
    if (sha == null) {
      checkExpected(
          expectedSha256, manifest.artifact().sha256(), "artifact " + artifact.getFileName());
    }
    String actual = Checksums.sha256(artifact);
    if (!actual.equalsIgnoreCase(manifest.artifact().sha256())) {
      throw new ModelPackageException(
          "checksum mismatch for "
              + artifact.getFileName()
              + ": expected sha256 "
              + manifest.artifact().sha256()
              + " but the file has "
              + actual
              + "; refusing to load a tampered artifact");
    }
    LoadedModel model = format.load(artifact, spec);
    return new ModelPackage(
        manifest, model, local, sha != null ? sha : manifest.artifact().sha256());
  }

  /** What the manifest says the artifact must be. */
  public static ModelSpec spec(ModelManifest manifest) {
    return new ModelSpec(
        manifest.featureNames(),
        manifest.taskOrDefault(),
        manifest.labels(),
        manifest.target(),
        manifest.artifact() == null ? null : manifest.artifact().checks());
  }

  public static ModelManifest readManifest(Path dir) {
    Path file = dir.resolve(MANIFEST_FILE);
    if (!Files.isRegularFile(file)) {
      throw new ModelPackageException(
          "model package has no " + MANIFEST_FILE + " (looked in " + dir + ")");
    }
    try {
      return JSON.readValue(file.toFile(), ModelManifest.class).validate();
    } catch (JsonProcessingException e) {
      throw new ModelPackageException(
          MANIFEST_FILE + " is not valid: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new ModelPackageException("cannot read " + MANIFEST_FILE + ": " + e.getMessage(), e);
    }
  }

  public static ObjectMapper json() {
    return JSON;
  }

  private static void checkExpected(String expected, String actual, String what) {
    if (expected != null && !expected.isBlank() && !expected.trim().equalsIgnoreCase(actual)) {
      throw new ModelPackageException(
          "checksum mismatch for "
              + what
              + ": expected sha256 "
              + expected.trim()
              + " but it has "
              + actual
              + "; refusing to load it");
    }
  }

  private static Path unpack(Path archive, LoadOptions options) {
    try {
      Files.createDirectories(options.workDir());
      Path target = Files.createTempDirectory(options.workDir(), "model-");
      options.archive().extract(archive, target);
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a folder to unpack the model into", e);
    }
  }

  /**
   * Removes what earlier runs left in the scratch folder (unpacked {@code model-*} folders and
   * partial {@code package-*.download} files, e.g. after a crash or an OOM kill), so a restarted
   * pod's emptyDir does not fill up; returns how many entries went. Nothing else is touched.
   */
  public static int removeLeftovers(Path workDir) {
    if (!Files.isDirectory(workDir)) {
      return 0;
    }
    int removed = 0;
    try (Stream<Path> entries = Files.list(workDir)) {
      for (Path entry : entries.toList()) {
        String name = entry.getFileName().toString();
        if (name.startsWith("model-")
                && Files.isDirectory(entry, java.nio.file.LinkOption.NOFOLLOW_LINKS)
            || name.startsWith("package-") && name.endsWith(PackageSource.DOWNLOAD_SUFFIX)) {
          deleteTree(entry);
          removed++;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot clear leftovers in the scratch folder " + workDir, e);
    }
    return removed;
  }

  /** Deletes a file or a folder with everything in it. */
  public static void deleteTree(Path root) throws IOException {
    try (Stream<Path> tree = Files.walk(root)) {
      for (Path p : tree.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // best effort: the file is in the pod's scratch space either way
    }
  }

  /** Archives made with {@code tar -C parent dir} hold one top folder; look inside it. */
  private static Path packageRoot(Path dir) {
    if (Files.isRegularFile(dir.resolve(MANIFEST_FILE))) {
      return dir;
    }
    try (Stream<Path> children = Files.list(dir)) {
      List<Path> entries = children.toList();
      if (entries.size() == 1 && Files.isDirectory(entries.getFirst())) {
        return entries.getFirst();
      }
    } catch (IOException e) {
      throw new ModelPackageException(
          "cannot list the model package " + dir + ": " + e.getMessage(), e);
    }
    return dir;
  }
}
