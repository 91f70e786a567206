package io.modelship.runtime.sink;

/**
 * Writes one finished chunk of labelled rows to the sink; throws when the sink does not take it.
 */
public interface ChunkWriter extends AutoCloseable {

  /** Writes {@code csv} as the object or file {@code name} under the sink's prefix. */
  void write(String name, byte[] csv) throws Exception;

  /** Where chunks go, for messages. */
  String describe();

  @Override
  default void close() {}
}
