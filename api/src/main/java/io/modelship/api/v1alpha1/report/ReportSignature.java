package io.modelship.api.v1alpha1.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Proof that a RuntimeReport (or a package's reference object) was written by a pod of the
 * ModelDeployment it names: an HMAC-SHA256, in the annotation {@link #ANNOTATION}, over {@link
 * #canonical} — the namespace, the ModelDeployment, the object's name (the pod) and the whole spec
 * (counts, version, package). The key is the ModelDeployment's report key, which only its own pods
 * receive ({@code REPORT_SIGNING_KEY} from a secretKeyRef) and which the operator derives itself; a
 * pod of another ModelDeployment cannot make a signature this one accepts.
 *
 * <p>The runtime signs and the operator verifies with these same bytes. The spec is written as JSON
 * with properties and map keys sorted and nulls left out; numbers read back from the API server
 * (which may write {@code 1.0} as {@code 1}) are re-serialised from their Java type, so both sides
 * produce the same text.
 */
public final class ReportSignature {

  /** Annotation holding the signature, 64 lowercase hex digits. */
  public static final String ANNOTATION = "modelship.io/report-signature";

  private static final String ALGORITHM = "HmacSHA256";
  private static final String DOMAIN = "modelship.io/runtime-report/v1";
  private static final ObjectMapper CANONICAL =
      JsonMapper.builder()
          .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .disable(SerializationFeature.INDENT_OUTPUT)
          .build();

  private ReportSignature() {}

  /**
   * The bytes signed: a domain tag, namespace, ModelDeployment, object name and the spec as
   * canonical JSON.
   */
  public static byte[] canonical(
      String namespace, String modelDeployment, String name, RuntimeReportSpec spec) {
    String json;
    try {
      json = CANONICAL.writeValueAsString(spec);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a RuntimeReportSpec could not be written as JSON", e);
    }
    return String.join("\n", DOMAIN, namespace, modelDeployment, name, json)
        .getBytes(StandardCharsets.UTF_8);
  }

  /** The signature of a report, as the annotation carries it. */
  public static String sign(
      byte[] key, String namespace, String modelDeployment, String name, RuntimeReportSpec spec) {
    return HexFormat.of().formatHex(mac(key, canonical(namespace, modelDeployment, name, spec)));
  }

  /**
   * Whether {@code signature} is this report's, compared in constant time; false for a missing or
   * malformed one.
   */
  public static boolean verify(
      byte[] key,
      String signature,
      String namespace,
      String modelDeployment,
      String name,
      RuntimeReportSpec spec) {
    if (signature == null || !signature.matches("[0-9a-f]{64}")) {
      return false;
    }
    return MessageDigest.isEqual(
        HexFormat.of().parseHex(signature),
        mac(key, canonical(namespace, modelDeployment, name, spec)));
  }

  /** A report key as {@code REPORT_SIGNING_KEY} carries it (hex); empty when absent or not hex. */
  public static Optional<byte[]> parseKey(String hex) {
    if (hex == null || hex.isBlank()) {
      return Optional.empty();
    }
    try {
      byte[] key = HexFormat.of().parseHex(hex.trim());
      return key.length < 16 ? Optional.empty() : Optional.of(key);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** HMAC-SHA256 of {@code data} under {@code key}. */
  public static byte[] mac(byte[] key, byte[] data) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(new SecretKeySpec(key, ALGORITHM));
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(ALGORITHM + " is unavailable", e);
    }
  }
}
