package io.modelship.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "has(self.uri) != has(self.uriFrom)",
    message = "set exactly one of uri and uriFrom")
public class ModelSpec {

  /** Model name; defaults to metadata.name. */
  @Size(max = 63)
  @Pattern("^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$")
  private String name;

  /** Model version; also used in labels and child names, hence the label-value syntax. */
  @Required
  @Pattern("^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$")
  private String version;

  /**
   * Package location: file://, http(s)://, pvc://CLAIM/PATH or s3://BUCKET/KEY. Exactly one of uri
   * and uriFrom.
   */
  @Size(min = 1)
  private String uri;

  /**
   * The package location read from a Secret, for URIs that carry credentials (file:// or
   * http(s)://). Exactly one of uri and uriFrom.
   */
  private ModelUriSource uriFrom;

  /** Expected sha256 of the package; the runtime refuses an artifact that does not match. */
  @Pattern("^[a-f0-9]{64}$")
  private String sha256;

  /**
   * For s3:// URIs: the store's endpoint, region, path-style addressing and the Secret with its
   * credentials.
   */
  private StorageSpec storage;

  public StorageSpec getStorage() {
    return storage;
  }

  public void setStorage(StorageSpec storage) {
    this.storage = storage;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getVersion() {
    return version;
  }

  public void setVersion(String version) {
    this.version = version;
  }

  public String getUri() {
    return uri;
  }

  public void setUri(String uri) {
    this.uri = uri;
  }

  public String getSha256() {
    return sha256;
  }

  public void setSha256(String sha256) {
    this.sha256 = sha256;
  }

  public ModelUriSource getUriFrom() {
    return uriFrom;
  }

  public void setUriFrom(ModelUriSource uriFrom) {
    this.uriFrom = uriFrom;
  }
}
