package io.modelship.format.onnx;

import io.modelship.runtime.forest.FlatForest;
import io.modelship.runtime.format.ModelSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The record {@code package} leaves in {@code model.json} ({@code artifact.checks}) once a tree
 * ensemble's compiled form has agreed with ONNX Runtime: with it, {@code serve} compiles the graph
 * and serves it without starting ONNX Runtime at all, which saves its native library, its session
 * (about 45 MiB of the pod's peak memory) and the check's time on every start.
 *
 * <p>The check at load is deterministic: the same bytes, the same spec, the same compiler, the same
 * ONNX Runtime and the same probe rows give the same answer. So the record is a digest of all of
 * them, and it stands only while every one is unchanged: another artifact, edited labels or
 * features, a runtime whose compiler or ONNX Runtime differs (the digest covers the compiler's
 * class files) all make it not match, and the load checks against ONNX Runtime again. The compiled
 * trees are always built from the verified artifact itself; nothing but this yes/no is taken from
 * the manifest.
 */
final class PackagedCheck {

  static final String KEY = "onnx.compiledTrees";
  private static final String PREFIX = "agree with ONNX Runtime ";

  /**
   * The code whose output the check vouches for: the graph reader, the compiler and the evaluator.
   */
  private static final Class<?>[] COMPILER = {OnnxProto.class, OnnxTrees.class, FlatForest.class};

  private static final Pattern RECORD =
      Pattern.compile(Pattern.quote(PREFIX) + "(\\S+) on (\\d+) probe rows; key ([0-9a-f]{64})");

  private static volatile String compilerDigest;

  private PackagedCheck() {}

  /** Whether the spec carries a record at all (whether it matches is for {@link #holds}). */
  static boolean recorded(ModelSpec spec) {
    return spec.checks().containsKey(KEY);
  }

  /**
   * The record for compiled trees that have just agreed with this ONNX Runtime on the artifact's
   * bytes.
   */
  static Optional<String> record(byte[] artifact, ModelSpec spec) {
    return onnxRuntimeVersion()
        .map(
            version ->
                PREFIX
                    + version
                    + " on "
                    + OnnxFormat.PROBE_ROWS
                    + " probe rows; key "
                    + key(artifact, spec, version));
  }

  /**
   * Whether the spec's record vouches for compiled trees of exactly these bytes, with this code.
   */
  static boolean holds(byte[] artifact, ModelSpec spec) {
    String recorded = spec.checks().get(KEY);
    if (recorded == null) {
      return false;
    }
    Matcher m = RECORD.matcher(recorded);
    Optional<String> version = onnxRuntimeVersion();
    return m.matches()
        && version.isPresent()
        && m.group(1).equals(version.get())
        && Integer.parseInt(m.group(2)) == OnnxFormat.PROBE_ROWS
        && MessageDigest.isEqual(
            m.group(3).getBytes(StandardCharsets.US_ASCII),
            key(artifact, spec, version.get()).getBytes(StandardCharsets.US_ASCII));
  }

  /**
   * The ONNX Runtime version on the class path, read from its jar's pom without loading the native
   * library.
   */
  static Optional<String> onnxRuntimeVersion() {
    try (InputStream in =
        PackagedCheck.class.getResourceAsStream(
            "/META-INF/maven/com.microsoft.onnxruntime/onnxruntime/pom.xml")) {
      if (in == null) {
        return Optional.empty();
      }
      String pom = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      Matcher m =
          Pattern.compile("<artifactId>onnxruntime</artifactId>\\s*<version>([^<\\s]+)</version>")
              .matcher(pom);
      return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static String key(byte[] artifact, ModelSpec spec, String onnxRuntime) {
    MessageDigest sha = sha256();
    update(sha, "artifact", HexFormat.of().formatHex(sha256().digest(artifact)));
    update(sha, "features", String.join("\u0000", spec.featureNames()));
    update(sha, "task", spec.task().name());
    update(sha, "labels", String.join("\u0000", spec.labels()));
    update(sha, "compiler", compilerDigest());
    update(sha, "onnxruntime", onnxRuntime);
    update(
        sha,
        "probe",
        OnnxFormat.PROBE_ROWS + "/" + OnnxFormat.PROBE_SEED + "/" + OnnxFormat.TOLERANCE);
    return HexFormat.of().formatHex(sha.digest());
  }

  private static void update(MessageDigest sha, String name, String value) {
    sha.update((name + "=" + value.length() + ":" + value + "\n").getBytes(StandardCharsets.UTF_8));
  }

  /**
   * A digest of the compiler's class files (and their nested classes'), as this runtime carries
   * them.
   */
  static String compilerDigest() {
    String digest = compilerDigest;
    if (digest == null) {
      MessageDigest sha = sha256();
      for (Class<?> top : COMPILER) {
        Class<?>[] nest = top.getNestMembers();
        Arrays.sort(nest, Comparator.comparing(Class::getName));
        for (Class<?> c : nest) {
          String resource = "/" + c.getName().replace('.', '/') + ".class";
          try (InputStream in = c.getResourceAsStream(resource)) {
            if (in == null) {
              throw new IllegalStateException("class file " + resource + " not found");
            }
            update(sha, c.getName(), HexFormat.of().formatHex(sha256().digest(in.readAllBytes())));
          } catch (IOException e) {
            throw new IllegalStateException("cannot read " + resource + ": " + e.getMessage(), e);
          }
        }
      }
      digest = HexFormat.of().formatHex(sha.digest());
      compilerDigest = digest;
    }
    return digest;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
