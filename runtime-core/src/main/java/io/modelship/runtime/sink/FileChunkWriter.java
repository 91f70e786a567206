package io.modelship.runtime.sink;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Chunks as files under a directory (a mounted claim): written beside their final name and moved
 * into place, so a reader never sees half a chunk.
 */
public final class FileChunkWriter implements ChunkWriter {

  private final Path dir;

  public FileChunkWriter(Path dir) {
    this.dir = dir;
  }

  @Override
  public void write(String name, byte[] csv) throws IOException {
    Path target = dir.resolve(name).normalize();
    if (!target.startsWith(dir)) {
      throw new IOException("chunk name escapes the sink directory: " + name);
    }
    Files.createDirectories(target.getParent());
    Path partial = target.resolveSibling("." + target.getFileName() + ".partial");
    Files.write(partial, csv);
    Files.move(
        partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  @Override
  public String describe() {
    return dir.toUri().toString();
  }
}
