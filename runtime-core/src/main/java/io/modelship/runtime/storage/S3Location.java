package io.modelship.runtime.storage;

import java.util.Locale;

/**
 * An object in an S3-compatible store, {@code s3://BUCKET/KEY}. A key ending in {@code /} is a
 * prefix (the sink writes its chunks under one).
 */
public record S3Location(String bucket, String key) {

  public static final String SCHEME = "s3://";

  /** Parses {@code s3://BUCKET/KEY}; the message of a refusal names what is wrong. */
  public static S3Location parse(String uri) {
    if (uri == null || !uri.toLowerCase(Locale.ROOT).startsWith(SCHEME)) {
      throw new IllegalArgumentException("not an s3:// URI: " + uri);
    }
    String rest = uri.substring(SCHEME.length());
    int slash = rest.indexOf('/');
    if (slash <= 0) {
      throw new IllegalArgumentException("s3 URI must look like s3://BUCKET/KEY, got " + uri);
    }
    String bucket = rest.substring(0, slash);
    if (!bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
      throw new IllegalArgumentException(
          "'"
              + bucket
              + "' in "
              + uri
              + " is not a valid bucket name (3-63 lower-case"
              + " letters, digits, dots and hyphens)");
    }
    if (rest.contains("?") || rest.contains("#")) {
      throw new IllegalArgumentException(
          "s3 URI must not carry a query or fragment: s3://" + bucket + "/…");
    }
    return new S3Location(bucket, rest.substring(slash + 1));
  }

  public boolean isPrefix() {
    return key.isEmpty() || key.endsWith("/");
  }

  /** The object {@code name} under this prefix. */
  public S3Location child(String name) {
    return new S3Location(
        bucket, key.isEmpty() || key.endsWith("/") ? key + name : key + "/" + name);
  }

  @Override
  public String toString() {
    return SCHEME + bucket + "/" + key;
  }
}
