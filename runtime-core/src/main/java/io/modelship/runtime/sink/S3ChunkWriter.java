package io.modelship.runtime.sink;

import io.modelship.runtime.storage.S3Location;
import io.modelship.runtime.storage.S3Store;

/** Chunks as objects under an {@code s3://BUCKET/PREFIX/}. */
public final class S3ChunkWriter implements ChunkWriter {

  private final S3Store store;
  private final S3Location prefix;
  private final boolean ownsStore;

  public S3ChunkWriter(S3Store store, S3Location prefix, boolean ownsStore) {
    this.store = store;
    this.prefix = prefix;
    this.ownsStore = ownsStore;
  }

  @Override
  public void write(String name, byte[] csv) {
    store.upload(prefix.child(name), csv, "text/csv");
  }

  @Override
  public String describe() {
    return prefix.toString();
  }

  @Override
  public void close() {
    if (ownsStore) {
      store.close();
    }
  }
}
