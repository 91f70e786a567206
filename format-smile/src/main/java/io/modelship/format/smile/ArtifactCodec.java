package io.modelship.format.smile;

import io.modelship.runtime.format.ModelPackageException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InvalidClassException;
import java.io.InvalidObjectException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes and reads Smile artifacts. Reading only ever happens after the artifact's sha256 matched
 * and behind an {@link ObjectInputFilter} allow-list, so a crafted artifact cannot instantiate
 * arbitrary classes (deserialisation gadgets).
 */
public final class ArtifactCodec {

  /**
   * Smile's model classes plus the JDK value types they are made of; everything else is refused.
   * Arrays are checked by their element type; primitive arrays are allowed by the JDK filter. The
   * JDK collections are only those a model of every algorithm {@code train} offers holds ({@code
   * ArrayList}, {@code HashMap}; ArtifactCodecTest lists them): {@code HashSet}, {@code Hashtable},
   * {@code LinkedHashMap} and the immutable and wrapped collections hash their elements while being
   * read, which a few hundred bytes of shared nested sets turn into years of CPU, so they are
   * refused outright, and {@link Reader} refuses a collection inside a collection.
   */
  static final String ALLOW_LIST =
      String.join(
          ";",
          "smile.**",
          "java.lang.Boolean",
          "java.lang.Byte",
          "java.lang.Character",
          "java.lang.Short",
          "java.lang.Integer",
          "java.lang.Long",
          "java.lang.Float",
          "java.lang.Double",
          "java.lang.Number",
          "java.lang.String",
          "java.lang.Enum",
          "java.lang.Record",
          // Only as array element types (Object[] backs collections); Object itself is not
          // Serializable.
          "java.lang.Object",
          "java.util.Map$Entry",
          "java.util.ArrayList",
          "java.util.HashMap",
          "!*");

  private static final ObjectInputFilter CLASSES =
      ObjectInputFilter.Config.createFilter(ALLOW_LIST);

  /**
   * Object graph depth allowed. A Smile tree nests one level per tree level under ~5 levels of
   * forest and schema: a 100-tree depth-10 forest measures {@link #MEASURED_FOREST_DEPTH}, so 64
   * fits trees of depth ~59, beyond any trainer setting here (default 10, Smile's own 20).
   */
  static final int MAX_DEPTH = 64;

  /** Measured on a 100-tree, depth-10 forest on 20 features (ArtifactCodecTest prints it). */
  static final int MEASURED_FOREST_DEPTH = 15;

  /**
   * The filter for an artifact of {@code bytes} bytes: the allow-list, and no array, reference
   * count or stream longer than the artifact itself. Every array element and every object takes at
   * least one byte of stream, so a real model always fits, while a crafted stream that declares a
   * huge array (a few bytes that would allocate gigabytes) is refused before the allocation.
   */
  static ObjectInputFilter filterFor(long bytes) {
    return info -> {
      if (info.depth() > MAX_DEPTH
          || info.references() > bytes
          || info.streamBytes() > bytes
          || info.arrayLength() > bytes) {
        return ObjectInputFilter.Status.REJECTED;
      }
      return CLASSES.checkInput(
          info); // the "!*" rejects any other class; primitive arrays stay allowed
    };
  }

  private ArtifactCodec() {}

  /**
   * Refuses a list or map that holds a list or map. A hash map hashes its keys as it is read, and a
   * list's hash is its elements' hashes: lists of lists sharing their elements make a few hundred
   * bytes whose hash takes 2^depth steps. Each list and map is checked once, as it is read and
   * before anything can hash it, so the check costs one pass over the elements. No Smile model
   * nests them.
   */
  private static final class Reader extends ObjectInputStream {
    Reader(InputStream in) throws IOException {
      super(in);
      enableResolveObject(true);
    }

    @Override
    protected Object resolveObject(Object obj) throws IOException {
      Iterable<?> members =
          obj instanceof java.util.Collection<?> c
              ? c
              : obj instanceof java.util.Map<?, ?> m ? concat(m) : null;
      if (members != null) {
        for (Object member : members) {
          if (member instanceof java.util.Collection<?> || member instanceof java.util.Map<?, ?>) {
            throw new InvalidObjectException(
                "a "
                    + obj.getClass().getName()
                    + " holds a "
                    + member.getClass().getName()
                    + " (collections inside collections are refused)");
          }
        }
      }
      return obj;
    }

    private static Iterable<?> concat(java.util.Map<?, ?> map) {
      java.util.List<Object> all = new java.util.ArrayList<>(2 * map.size());
      map.forEach(
          (k, v) -> {
            all.add(k);
            all.add(v);
          });
      return all;
    }
  }

  public static void write(Serializable model, Path file) throws IOException {
    try (ObjectOutputStream out =
        new ObjectOutputStream(new BufferedOutputStream(Files.newOutputStream(file)))) {
      out.writeObject(model);
    }
  }

  /** Deserialises {@code file}, which the package loader has already checked against its sha256. */
  public static Object read(Path file) {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file));
        ObjectInputStream objects = new Reader(in)) {
      objects.setObjectInputFilter(filterFor(Files.size(file)));
      return objects.readObject();
    } catch (InvalidClassException | InvalidObjectException e) {
      throw new ModelPackageException(
          "artifact "
              + file.getFileName()
              + " is refused by the deserialisation filter (a class outside the allow-list, or an array, depth"
              + " or reference count beyond what the artifact's size allows: "
              + e.getMessage()
              + "); refusing to load it",
          e);
    } catch (IOException | ClassNotFoundException | RuntimeException e) {
      throw new ModelPackageException(
          "artifact " + file.getFileName() + " cannot be read: " + e, e);
    }
  }
}
