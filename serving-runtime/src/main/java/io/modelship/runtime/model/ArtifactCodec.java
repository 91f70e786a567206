package io.modelship.runtime.model;

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
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Writes and reads model artifacts. Reading only ever happens after the artifact's sha256 matched
 * and behind an {@link ObjectInputFilter} allow-list, so a crafted artifact cannot instantiate
 * arbitrary classes (deserialisation gadgets).
 */
public final class ArtifactCodec {

    /**
     * Smile's model classes plus the JDK value types they are made of; everything else is refused.
     * Arrays are checked by their element type; primitive arrays are allowed by the JDK filter.
     */
    static final String ALLOW_LIST = String.join(";",
            "maxdepth=200", "maxrefs=50000000", "maxarray=100000000",
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

    private static final ObjectInputFilter FILTER = ObjectInputFilter.Config.createFilter(ALLOW_LIST);

    private ArtifactCodec() {}

    public static void write(Serializable model, Path file) throws IOException {
        try (ObjectOutputStream out = new ObjectOutputStream(new BufferedOutputStream(Files.newOutputStream(file)))) {
            out.writeObject(model);
        }
    }

    /** Deserialises {@code file} if its sha256 equals {@code expectedSha256}; otherwise refuses. */
    public static Object read(Path file, String expectedSha256) {
        String actual = sha256(file);
        if (!actual.equalsIgnoreCase(expectedSha256)) {
            throw new ModelPackageException("checksum mismatch for " + file.getFileName() + ": expected sha256 "
                    + expectedSha256 + " but the file has " + actual + "; refusing to load a tampered artifact");
        }
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file));
                ObjectInputStream objects = new ObjectInputStream(in)) {
            objects.setObjectInputFilter(FILTER);
            return objects.readObject();
        } catch (InvalidClassException e) {
            throw new ModelPackageException("artifact " + file.getFileName()
                    + " contains a class outside the allow-list (" + e.getMessage() + "); refusing to load it", e);
        } catch (IOException | ClassNotFoundException | RuntimeException e) {
            throw new ModelPackageException("artifact " + file.getFileName() + " cannot be read: " + e, e);
        }
    }

    public static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new ModelPackageException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
