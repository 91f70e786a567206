package io.modelship.format.smile;

import io.modelship.runtime.format.ModelPackageException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InvalidClassException;
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
     * Arrays are checked by their element type; primitive arrays are allowed by the JDK filter.
     */
    static final String ALLOW_LIST = String.join(";",
            "smile.**",
            "java.lang.Boolean", "java.lang.Byte", "java.lang.Character", "java.lang.Short",
            "java.lang.Integer", "java.lang.Long", "java.lang.Float", "java.lang.Double",
            "java.lang.Number", "java.lang.String", "java.lang.Enum", "java.lang.Record",
            // Only as array element types (Object[] backs collections); Object itself is not Serializable.
            "java.lang.Object", "java.util.Map$Entry",
            "java.util.ArrayList", "java.util.LinkedList", "java.util.HashMap", "java.util.LinkedHashMap",
            "java.util.TreeMap", "java.util.HashSet", "java.util.LinkedHashSet", "java.util.BitSet",
            "java.util.Properties", "java.util.Hashtable", "java.util.Arrays$ArrayList",
            "java.util.Collections$*", "java.util.ImmutableCollections$*", "java.util.CollSer",
            "!*");

    private static final ObjectInputFilter CLASSES = ObjectInputFilter.Config.createFilter(ALLOW_LIST);
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
     * count or stream longer than the artifact itself. Every array element and every object takes
     * at least one byte of stream, so a real model always fits, while a crafted stream that declares
     * a huge array (a few bytes that would allocate gigabytes) is refused before the allocation.
     */
    static ObjectInputFilter filterFor(long bytes) {
        return info -> {
            if (info.depth() > MAX_DEPTH || info.references() > bytes || info.streamBytes() > bytes
                    || info.arrayLength() > bytes) {
                return ObjectInputFilter.Status.REJECTED;
            }
            return CLASSES.checkInput(info); // the "!*" rejects any other class; primitive arrays stay allowed
        };
    }

    private ArtifactCodec() {}

    public static void write(Serializable model, Path file) throws IOException {
        try (ObjectOutputStream out = new ObjectOutputStream(new BufferedOutputStream(Files.newOutputStream(file)))) {
            out.writeObject(model);
        }
    }

    /** Deserialises {@code file}, which the package loader has already checked against its sha256. */
    public static Object read(Path file) {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file));
                ObjectInputStream objects = new ObjectInputStream(in)) {
            objects.setObjectInputFilter(filterFor(Files.size(file)));
            return objects.readObject();
        } catch (InvalidClassException e) {
            throw new ModelPackageException("artifact " + file.getFileName()
                    + " is refused by the deserialisation filter (a class outside the allow-list, or an array, depth"
                    + " or reference count beyond what the artifact's size allows: " + e.getMessage()
                    + "); refusing to load it", e);
        } catch (IOException | ClassNotFoundException | RuntimeException e) {
            throw new ModelPackageException("artifact " + file.getFileName() + " cannot be read: " + e, e);
        }
    }
}
