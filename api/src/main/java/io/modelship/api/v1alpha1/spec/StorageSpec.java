package io.modelship.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/**
 * How the pods reach the S3-compatible store of {@code s3://} URIs (the package, the retraining
 * sink). Credentials never appear here: {@link #secretRef} names a Secret whose keys {@code
 * AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY} (and optionally {@code AWS_SESSION_TOKEN}) the
 * pods read through secretKeyRefs; without it the AWS SDK's default credential chain applies (web
 * identity / IRSA, container or instance credentials).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class StorageSpec {

  /**
   * The store's URL for MinIO, Ceph and other S3-compatible stores, e.g.
   * https://minio.example.com:9000; absent: AWS S3.
   */
  @Pattern("^https?://[^\\s/?#]+(/[^\\s?#]*)?$")
  private String endpoint;

  /** The region requests are signed for; absent: the pod's AWS_REGION, else us-east-1. */
  @Size(min = 1, max = 63)
  private String region;

  /** Path-style addressing (http://host/bucket/key), which most S3-compatible stores need. */
  private Boolean pathStyle;

  /** A Secret in the same namespace with the keys AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY. */
  private SecretRef secretRef;

  public String getEndpoint() {
    return endpoint;
  }

  public void setEndpoint(String endpoint) {
    this.endpoint = endpoint;
  }

  public String getRegion() {
    return region;
  }

  public void setRegion(String region) {
    this.region = region;
  }

  public Boolean getPathStyle() {
    return pathStyle;
  }

  public void setPathStyle(Boolean pathStyle) {
    this.pathStyle = pathStyle;
  }

  public SecretRef getSecretRef() {
    return secretRef;
  }

  public void setSecretRef(SecretRef secretRef) {
    this.secretRef = secretRef;
  }

  /** A Secret in the same namespace. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class SecretRef {

    /** Name of the Secret. */
    @Required
    @Size(min = 1, max = 253)
    private String name;

    public SecretRef() {}

    public SecretRef(String name) {
      this.name = name;
    }

    public String getName() {
      return name;
    }

    public void setName(String name) {
      this.name = name;
    }
  }
}
