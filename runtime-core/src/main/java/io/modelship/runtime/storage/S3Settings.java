package io.modelship.runtime.storage;

import io.modelship.api.runtime.RuntimeEnvironment;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * How to reach an S3-compatible store, from {@code spec.model.storage} through the pod's
 * environment ({@link RuntimeEnvironment#S3_ENDPOINT}, {@link RuntimeEnvironment#S3_REGION}, {@link
 * RuntimeEnvironment#S3_PATH_STYLE}). Credentials are not here: the SDK's default chain finds them
 * (the Secret's keys as {@code AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY}, web identity /
 * IRSA, container or instance credentials), so they never pass through this code.
 *
 * @param endpoint absent: AWS itself
 * @param region absent: {@code AWS_REGION}, else {@code us-east-1} (what MinIO and Ceph accept)
 * @param pathStyle {@code http://host/bucket/key} instead of {@code http://bucket.host/key}
 * @param timeout each attempt's connect and read deadline
 */
public record S3Settings(URI endpoint, String region, boolean pathStyle, Duration timeout) {

  public static final String DEFAULT_REGION = "us-east-1";

  public static S3Settings fromEnvironment(Map<String, String> env, Duration timeout) {
    String endpoint = blankToNull(env.get(RuntimeEnvironment.S3_ENDPOINT));
    String region = blankToNull(env.get(RuntimeEnvironment.S3_REGION));
    if (region == null) {
      region = blankToNull(env.get("AWS_REGION"));
    }
    String pathStyle = blankToNull(env.get(RuntimeEnvironment.S3_PATH_STYLE));
    if (pathStyle != null
        && !pathStyle.equalsIgnoreCase("true")
        && !pathStyle.equalsIgnoreCase("false")) {
      throw new IllegalArgumentException(
          RuntimeEnvironment.S3_PATH_STYLE + " must be true or false, got '" + pathStyle + "'");
    }
    URI uri = null;
    if (endpoint != null) {
      uri = URI.create(endpoint);
      if (uri.getScheme() == null || !uri.getScheme().matches("https?") || uri.getHost() == null) {
        throw new IllegalArgumentException(
            RuntimeEnvironment.S3_ENDPOINT
                + " must be an http(s) URL like"
                + " https://minio.example.com:9000, got '"
                + endpoint
                + "'");
      }
    }
    return new S3Settings(
        uri, region == null ? DEFAULT_REGION : region, Boolean.parseBoolean(pathStyle), timeout);
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }
}
