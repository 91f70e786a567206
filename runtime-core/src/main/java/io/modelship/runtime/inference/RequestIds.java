package io.modelship.runtime.inference;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
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
 *
 * <p>With a key and a home (a pod that keeps labelled rows for retraining: its address and HTTP
 * port) the prefix also carries that address, so the replica a label reaches can hand it to the
 * replica that holds the row's features. The address is masked with the HMAC of the prefix's random
 * part — a client sees no pod address — and covered by the id's signature like the rest.
 */
final class RequestIds {

  /**
   * A parsed id: whether this process made it, whether it is trusted (signed with the key, or
   * without a key, made here), its sequence, and the prediction it carries.
   */
  record Parsed(
      boolean local,
      boolean trusted,
      long sequence,
      int predictedClass,
      double predictedValue,
      InetSocketAddress home) {}

  /** Signature length in bytes (128 bits of HMAC-SHA256, 32 hex digits). */
  private static final int SIGNATURE_BYTES = 16;

  /** Length of the prefix's random part, in hex digits. */
  private static final int RANDOM_DIGITS = 8;

  private final String random = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
  private final Supplier<InetSocketAddress> home;

  /** Fixed by the first id (see {@link #prefix()}). */
  private volatile String prefix;

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
    this(signingKey, modelVersion, rememberForeign, () -> null);
  }

  /**
   * @param home where this process's HTTP server answers other replicas, once known (null: not
   *     announced); read when the first id is made
   */
  RequestIds(
      String signingKey,
      String modelVersion,
      int rememberForeign,
      Supplier<InetSocketAddress> home) {
    this.home = home;
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

  /**
   * The prefix of this process's ids: the random part and, with a key and an announced home, the
   * masked address. Fixed at the first id so every id of the process carries the same one.
   */
  private String prefix() {
    String p = prefix;
    if (p == null) {
      synchronized (this) {
        if (prefix == null) {
          InetSocketAddress at = key == null ? null : home.get();
          prefix = at == null ? random : random + HexFormat.of().formatHex(masked(random, at));
        }
        p = prefix;
      }
    }
    return p;
  }

  /** The address and port, as bytes (4 or 16, then 2), XORed with the HMAC of the random part. */
  private byte[] masked(String randomPart, InetSocketAddress at) {
    byte[] address = at.getAddress().getAddress();
    byte[] plain = Arrays.copyOf(address, address.length + 2);
    plain[address.length] = (byte) (at.getPort() >>> 8);
    plain[address.length + 1] = (byte) at.getPort();
    return xorMask(randomPart, plain);
  }

  private byte[] xorMask(String randomPart, byte[] bytes) {
    byte[] pad = hmac.get().mac(("home\n" + randomPart).getBytes(StandardCharsets.UTF_8));
    byte[] out = new byte[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      out[i] = (byte) (bytes[i] ^ pad[i]);
    }
    return out;
  }

  /** The home a signed prefix of another replica names, or null when it names none. */
  private InetSocketAddress homeOf(String otherPrefix) {
    int digits = otherPrefix.length() - RANDOM_DIGITS;
    if (key == null || (digits != 12 && digits != 36)) {
      return null;
    }
    byte[] plain =
        xorMask(
            otherPrefix.substring(0, RANDOM_DIGITS),
            HexFormat.of().parseHex(otherPrefix, RANDOM_DIGITS, otherPrefix.length()));
    try {
      InetAddress address = InetAddress.getByAddress(Arrays.copyOf(plain, plain.length - 2));
      int port = ((plain[plain.length - 2] & 0xff) << 8) | (plain[plain.length - 1] & 0xff);
      return port == 0 ? null : new InetSocketAddress(address, port);
    } catch (UnknownHostException e) {
      return null;
    }
  }

  private static boolean prefixShaped(String candidate) {
    int n = candidate.length();
    if (n != RANDOM_DIGITS && n != RANDOM_DIGITS + 12 && n != RANDOM_DIGITS + 36) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      if (Character.digit(candidate.charAt(i), 16) < 0) {
        return false;
      }
    }
    return true;
  }

  String forClass(long sequence, int classIndex) {
    return sign(prefix() + '-' + Long.toHexString(sequence) + '-' + classIndex);
  }

  String forValue(long sequence, double value) {
    return sign(
        prefix()
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
    if (parts.length != (key == null ? 3 : 4) || !prefixShaped(parts[0])) {
      return parts.length == 3 || parts.length == 4 ? untrusted() : null;
    }
    String own = prefix();
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
      trusted = parts[0].equals(own);
    }
    try {
      long sequence = Long.parseUnsignedLong(parts[1], 16);
      if (sequence < 0) {
        return null;
      }
      boolean local = parts[0].equals(own);
      InetSocketAddress from = trusted && !local ? homeOf(parts[0]) : null;
      if (parts[2].startsWith("v")) {
        double value = Double.longBitsToDouble(Long.parseUnsignedLong(parts[2].substring(1), 16));
        return Double.isFinite(value)
            ? new Parsed(local, trusted, sequence, -1, value, from)
            : null;
      }
      int predicted = Integer.parseInt(parts[2]);
      return predicted >= 0 && predicted < classes
          ? new Parsed(local, trusted, sequence, predicted, Double.NaN, from)
          : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static Parsed untrusted() {
    return new Parsed(false, false, -1, -1, Double.NaN, null);
  }

  /** Whether another replica's id is seen here for the first time (then remembered). */
  boolean firstFeedbackFor(String foreignId) {
    synchronized (seenForeign) {
      return seenForeign.putIfAbsent(foreignId, Boolean.TRUE) == null;
    }
  }
}
