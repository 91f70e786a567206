package io.modelship.format.onnx;

import ai.onnxruntime.OrtEnvironment;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Where ONNX Runtime loads its native libraries from. Left alone, it extracts them from its jar
 * into {@code java.io.tmpdir} at every start (22 MB on linux-x64; in a pod that is the writable
 * {@code /tmp} emptyDir). The serving runtime's build extracts them once beside the jar, into
 * {@value #DIRECTORY}{@code /ai/onnxruntime/native/<os>-<arch>/}; when both libraries are there and
 * {@value #PROPERTY} is not set already, ONNX Runtime is pointed at them (they are only read, so a
 * read-only root filesystem is fine). Otherwise ONNX Runtime's own extraction runs, as before.
 */
final class NativeLibraries {

  /** ONNX Runtime's system property naming the directory of its native libraries. */
  static final String PROPERTY = "onnxruntime.native.path";

  /** The directory beside the jar the build extracts the libraries into. */
  static final String DIRECTORY = "onnxruntime-native";

  private static final String[] LIBRARIES = {"onnxruntime", "onnxruntime4j_jni"};

  private NativeLibraries() {}

  /**
   * Points ONNX Runtime at the libraries beside the jar, if they are there; returns the directory
   * used, or null.
   */
  static synchronized Path preferExtracted() {
    if (System.getProperty(PROPERTY) != null) {
      return Path.of(System.getProperty(PROPERTY));
    }
    Path dir = besideJar();
    if (dir == null) {
      return null;
    }
    for (String library : LIBRARIES) {
      if (!Files.isRegularFile(dir.resolve(System.mapLibraryName(library)))) {
        return null;
      }
    }
    System.setProperty(PROPERTY, dir.toString());
    return dir;
  }

  /**
   * {@value #DIRECTORY}'s folder for this platform beside the jar holding ONNX Runtime, or null.
   */
  private static Path besideJar() {
    String platform = platform();
    if (platform == null) {
      return null;
    }
    try {
      var source = OrtEnvironment.class.getProtectionDomain().getCodeSource();
      if (source == null) {
        return null;
      }
      Path jar = Path.of(source.getLocation().toURI());
      if (!Files.isRegularFile(jar) || jar.getParent() == null) {
        return null; // classes from a directory (tests, an IDE): ONNX Runtime extracts as usual
      }
      return jar.getParent().resolve(DIRECTORY).resolve("ai/onnxruntime/native").resolve(platform);
    } catch (URISyntaxException | RuntimeException e) {
      return null;
    }
  }

  /**
   * ONNX Runtime's name for this platform's folder in its jar, e.g. {@code linux-x64}; null if
   * unknown.
   */
  static String platform() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    String o =
        os.startsWith("linux")
            ? "linux"
            : os.startsWith("mac") ? "osx" : os.startsWith("windows") ? "win" : null;
    String a =
        arch.equals("amd64") || arch.equals("x86_64")
            ? "x64"
            : arch.equals("aarch64") ? "aarch64" : null;
    return o == null || a == null ? null : o + "-" + a;
  }
}
