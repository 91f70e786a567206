package io.modelship.runtime.model;

import io.modelship.runtime.format.ModelPackageException;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Unpacks {@code .tar.gz} and {@code .zip} model packages defensively: entries may not escape the
 * target folder (zip-slip), links are refused, and total size and entry count are bounded.
 */
public final class PackageArchive {

  public enum Kind {
    TAR_GZ,
    ZIP,
    NOT_AN_ARCHIVE
  }

  private final long maxExtractedBytes;
  private final int maxEntries;

  public PackageArchive(long maxExtractedBytes, int maxEntries) {
    this.maxExtractedBytes = maxExtractedBytes;
    this.maxEntries = maxEntries;
  }

  /** Recognises an archive by its magic bytes, not its name, since URLs rarely tell. */
  public static Kind kindOf(Path file) throws IOException {
    byte[] head = new byte[4];
    int n;
    try (InputStream in = Files.newInputStream(file)) {
      n = in.readNBytes(head, 0, 4);
    }
    if (n >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
      return Kind.TAR_GZ;
    }
    if (n >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) {
      return Kind.ZIP;
    }
    return Kind.NOT_AN_ARCHIVE;
  }

  /** Extracts {@code archive} into the empty folder {@code target}. */
  public void extract(Path archive, Path target) {
    String name = archive.getFileName().toString();
    try {
      switch (kindOf(archive)) {
        case TAR_GZ -> extractTar(archive, target);
        case ZIP -> extractZip(archive, target);
        case NOT_AN_ARCHIVE ->
            throw new ModelPackageException(
                name + " is neither a directory nor a .tar.gz or .zip model package");
      }
    } catch (EOFException e) {
      throw new ModelPackageException("archive " + name + " is truncated: " + e.getMessage(), e);
    } catch (ZipException e) {
      throw new ModelPackageException(
          "archive " + name + " is corrupt or truncated: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new ModelPackageException(
          "archive " + name + " cannot be unpacked: " + e.getMessage(), e);
    }
  }

  private void extractTar(Path archive, Path target) throws IOException {
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(archive));
        TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(raw))) {
      Budget budget = new Budget();
      for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null; ) {
        if (entry.isSymbolicLink() || entry.isLink()) {
          throw new ModelPackageException(
              "archive entry '"
                  + entry.getName()
                  + "' is a link; model packages may only hold plain files");
        }
        Path out = resolveInside(target, entry.getName());
        budget.entry();
        if (entry.isDirectory()) {
          Files.createDirectories(out);
        } else if (entry.isFile()) {
          Files.createDirectories(out.getParent());
          copy(tar, out, budget);
          if (Files.size(out) != entry.getSize()) {
            throw new EOFException("entry '" + entry.getName() + "' ends early");
          }
        }
      }
    }
  }

  private void extractZip(Path archive, Path target) throws IOException {
    try (ZipInputStream zip =
        new ZipInputStream(new BufferedInputStream(Files.newInputStream(archive)))) {
      Budget budget = new Budget();
      for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
        Path out = resolveInside(target, entry.getName());
        budget.entry();
        if (entry.isDirectory()) {
          Files.createDirectories(out);
        } else {
          Files.createDirectories(out.getParent());
          copy(zip, out, budget);
        }
      }
    }
  }

  /**
   * Refuses absolute names and {@code ..} segments that would write outside the target (zip-slip).
   */
  static Path resolveInside(Path target, String entryName) {
    Path root = target.toAbsolutePath().normalize();
    Path out = root.resolve(entryName).normalize();
    if (!out.startsWith(root)) {
      throw new ModelPackageException(
          "archive entry '" + entryName + "' escapes the package folder; refusing the package");
    }
    return out;
  }

  private void copy(InputStream in, Path out, Budget budget) throws IOException {
    byte[] buffer = new byte[64 * 1024];
    try (var os = Files.newOutputStream(out)) {
      for (int n; (n = in.read(buffer)) > 0; ) {
        budget.bytes(n);
        os.write(buffer, 0, n);
      }
    }
  }

  /** Counts what an archive has produced so far, so a zip bomb stops early. */
  private final class Budget {
    private long bytes;
    private int entries;

    void entry() {
      if (++entries > maxEntries) {
        throw new ModelPackageException("archive has more than " + maxEntries + " entries");
      }
    }

    void bytes(int n) {
      bytes += n;
      if (bytes > maxExtractedBytes) {
        throw new ModelPackageException(
            "archive unpacks to more than " + maxExtractedBytes + " bytes");
      }
    }
  }
}
