package io.modelship.runtime.inference;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.spec.SecretKeySpec;

/**
 * Request ids: {@code PREFIX-SEQUENCE-OUTCOME[-SIGNATURE]}, where the prefix names this process,
 * the sequence grows with every predicted row, and the outcome is the predicted class index or, for
 * a regressor, {@code v} and the bits of the predicted value. With a signing key ({@code
 * FEEDBACK_SIGNING_KEY}, one per ModelDeployment, shared by its pods) every id carries an
 * HMAC-SHA256 of the rest and of the model version that answered, so any replica of that version
 * can score feedback for an id another replica issued, and refuses one nobody issued or one that
 * another version issued (during a canary the versions share the key; counting the stable version's
 * answers as the canary's accuracy would judge the wrong model). Without a key only this process's
 * own ids are accepted.
 */
final class RequestIds {

  /**
   * A parsed id: whether this process made it, whether it is trusted (signed with the key, or
   * without a key, made here), its sequence, and the prediction it carries.
   */
  record Parsed(
      boolean local, boolean trusted, long sequence, int predictedClass, double predictedValue) {}

  /** Signature length in bytes (128 bits of HMAC-SHA256, 32 hex digits). */
  private static final int SIGNATURE_BYTES = 16;

  private final String prefix = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
  private final AtomicLong next = new AtomicLong();
  private final SecretKeySpec key;
  private final String scope;
  private final Map<String, Boolean> seenForeign;

  /**
   * HMAC-SHA256 (RFC 2104) with the key's inner and outer pads hashed once: each id then costs two
   * SHA-256 compressions (its message, the inner hash) instead of a provider lookup, a key schedule
   * and four. One per thread, since a digest is stateful. Same bytes as {@code Mac}'s.
   */
  private final ThreadLocal<Hmac> hmac = ThreadLocal.withInitial(this::newHmac);

  /**
   * @param signingKey the deployment's key, or null
   * @param modelVersion the version this process serves; signatures are valid for it only
   * @param rememberForeign how many other replicas' ids to remember, so a repeat counts once here
   */
  RequestIds(String signingKey, String modelVersion, int rememberForeign) {
    this.scope = "version " + modelVersion + '\n';
    this.key =
        signingKey == null
            ? null
            : new SecretKeySpec(signingKey.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    this.seenForeign =
        new LinkedHashMap<>(16, 0.75f, false) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > rememberForeign;
          }
        };
  }

  boolean signed() {
    return key != null;
  }

  /** The first of {@code rows} consecutive sequences, one per row of a batch, taken at once. */
  long nextSequences(int rows) {
    return next.getAndAdd(rows) + 1;
  }

  String forClass(long sequence, int classIndex) {
    return sign(prefix + '-' + Long.toHexString(sequence) + '-' + classIndex);
  }

  String forValue(long sequence, double value) {
    return sign(
        prefix
            + '-'
            + Long.toHexString(sequence)
            + "-v"
            + Long.toHexString(Double.doubleToLongBits(value)));
  }

  private String sign(String id) {
    return key == null ? id : id + '-' + HexFormat.of().formatHex(mac(id));
  }

  private byte[] mac(String id) {
    return Arrays.copyOf(
        hmac.get().mac((scope + id).getBytes(StandardCharsets.UTF_8)), SIGNATURE_BYTES);
  }

  private Hmac newHmac() {
    try {
      byte[] k = key.getEncoded();
      if (k.length > 64) {
        k = MessageDigest.getInstance("SHA-256").digest(k);
      }
      byte[] inner = new byte[64];
      byte[] outer = new byte[64];
      for (int i = 0; i < 64; i++) {
        byte b = i < k.length ? k[i] : 0;
        inner[i] = (byte) (b ^ 0x36);
        outer[i] = (byte) (b ^ 0x5c);
      }
      MessageDigest innerPad = MessageDigest.getInstance("SHA-256");
      innerPad.update(inner);
      MessageDigest outerPad = MessageDigest.getInstance("SHA-256");
      outerPad.update(outer);
      return new Hmac(innerPad, outerPad);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is unavailable", e);
    }
  }

  /** The two padded-key digests, cloned for each message. */
  private record Hmac(MessageDigest innerPad, MessageDigest outerPad) {
    byte[] mac(byte[] message) {
      try {
        MessageDigest inner = (MessageDigest) innerPad.clone();
        inner.update(message);
        MessageDigest outer = (MessageDigest) outerPad.clone();
        outer.update(inner.digest());
        return outer.digest();
      } catch (CloneNotSupportedException e) {
        throw new IllegalStateException("SHA-256 digests cannot be cloned here", e);
      }
    }
  }

  /** The id's parts, or null when it cannot be an id at all (of any replica). */
  Parsed parse(String id, int classes) {
    String[] parts = id.split("-");
    if (parts.length != (key == null ? 3 : 4) || parts[0].length() != prefix.length()) {
      return parts.length == 3 || parts.length == 4 ? untrusted() : null;
    }
    boolean trusted;
    if (key != null) {
      byte[] given;
      try {
        given = HexFormat.of().parseHex(parts[3]);
      } catch (IllegalArgumentException e) {
        return untrusted();
      }
      trusted = MessageDigest.isEqual(given, mac(parts[0] + '-' + parts[1] + '-' + parts[2]));
    } else {
      trusted = parts[0].equals(prefix);
    }
    try {
      long sequence = Long.parseUnsignedLong(parts[1], 16);
      if (sequence < 0) {
        return null;
      }
      boolean local = parts[0].equals(prefix);
      if (parts[2].startsWith("v")) {
        double value = Double.longBitsToDouble(Long.parseUnsignedLong(parts[2].substring(1), 16));
        return Double.isFinite(value) ? new Parsed(local, trusted, sequence, -1, value) : null;
      }
      int predicted = Integer.parseInt(parts[2]);
      return predicted >= 0 && predicted < classes
          ? new Parsed(local, trusted, sequence, predicted, Double.NaN)
          : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static Parsed untrusted() {
    return new Parsed(false, false, -1, -1, Double.NaN);
  }

  /** Whether another replica's id is seen here for the first time (then remembered). */
  boolean firstFeedbackFor(String foreignId) {
    synchronized (seenForeign) {
      return seenForeign.putIfAbsent(foreignId, Boolean.TRUE) == null;
    }
  }
}
