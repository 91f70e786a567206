package io.modelship.operator.signing;

import io.modelship.api.v1alpha1.ModelDeployment;
import io.modelship.api.v1alpha1.report.ReportSignature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The operator's master key and what it derives: each ModelDeployment's key is HMAC-SHA256(master,
 * {@code namespace/name/uid}), and from it one key per purpose — request ids the pods sign for
 * feedback, and the pods' RuntimeReports. Derived, not stored: the operator writes each
 * ModelDeployment's keys into a Secret once for its pods and recomputes them to verify reports, so
 * it never reads a Secret (and needs no get, list or watch on Secrets). A new UID (the resource
 * deleted and created again) gets new keys.
 */
public final class SigningKeys {

  /** Environment variable naming the file that holds the master key. */
  public static final String FILE_ENV = "MODELSHIP_SIGNING_KEY_FILE";

  /** Where the Helm chart mounts it. */
  public static final String DEFAULT_FILE = "/var/run/secrets/modelship/signing-key/key";

  /** At least 256 bits of key material. */
  public static final int MIN_BYTES = 32;

  private static final byte[] FEEDBACK =
      "modelship.io/feedback-id".getBytes(StandardCharsets.UTF_8);
  private static final byte[] REPORT =
      "modelship.io/runtime-report".getBytes(StandardCharsets.UTF_8);

  private final byte[] master;

  public SigningKeys(byte[] master) {
    if (master.length < MIN_BYTES) {
      throw new IllegalArgumentException(
          "the signing master key has "
              + master.length
              + " bytes; at least "
              + MIN_BYTES
              + " are needed");
    }
    this.master = master.clone();
  }

  /**
   * Reads the master key from {@code file} (its bytes, surrounding whitespace trimmed); a missing,
   * unreadable, empty or short file is an error saying what to do, never a key-less operator.
   */
  public static SigningKeys fromFile(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new IllegalStateException(
          "the signing master key file "
              + file
              + " does not exist; mount a Secret"
              + " with at least "
              + MIN_BYTES
              + " random bytes there, or point "
              + FILE_ENV
              + " at such a file");
    } catch (IOException e) {
      throw new IllegalStateException(
          "the signing master key file " + file + " cannot be read: " + e.getMessage());
    }
    byte[] trimmed =
        new String(bytes, StandardCharsets.ISO_8859_1)
            .strip()
            .getBytes(StandardCharsets.ISO_8859_1);
    Arrays.fill(bytes, (byte) 0);
    if (trimmed.length < MIN_BYTES) {
      throw new IllegalStateException(
          "the signing master key file "
              + file
              + " holds "
              + trimmed.length
              + " bytes; at least "
              + MIN_BYTES
              + " are needed (e.g. head -c 48 /dev/urandom | base64)");
    }
    return new SigningKeys(trimmed);
  }

  /** The ModelDeployment's own key: HMAC-SHA256(master, namespace + "/" + name + "/" + uid). */
  byte[] deploymentKey(ModelDeployment md) {
    var m = md.getMetadata();
    String id = m.getNamespace() + "/" + m.getName() + "/" + m.getUid();
    return ReportSignature.mac(master, id.getBytes(StandardCharsets.UTF_8));
  }

  /** The key its pods sign request ids with. */
  public byte[] feedbackKey(ModelDeployment md) {
    return ReportSignature.mac(deploymentKey(md), FEEDBACK);
  }

  /** The key its pods sign RuntimeReports with. */
  public byte[] reportKey(ModelDeployment md) {
    return ReportSignature.mac(deploymentKey(md), REPORT);
  }

  /** As the pods receive a key: hex, because an environment variable cannot carry every byte. */
  public static String hex(byte[] key) {
    return HexFormat.of().formatHex(key);
  }
}
