package io.modelship.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Required;

/**
 * Where a model URI that carries credentials (a pre-signed URL, {@code https://user:token@host/})
 * is kept: a key of a Secret in the ModelDeployment's namespace. The pods read it through a
 * secretKeyRef; the operator never reads it, so it appears in no pod spec, status, Event or log.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ModelUriSource {

  /** The Secret and key holding the URI. */
  @Required private SecretKeyRef secretKeyRef;

  public SecretKeyRef getSecretKeyRef() {
    return secretKeyRef;
  }

  public void setSecretKeyRef(SecretKeyRef secretKeyRef) {
    this.secretKeyRef = secretKeyRef;
  }

  /** A key of a Secret in the same namespace. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class SecretKeyRef {

    /** Name of the Secret. */
    @Required
    @io.fabric8.generator.annotation.Size(min = 1, max = 253)
    private String name;

    /** Key within the Secret whose value is the URI. */
    @Required
    @io.fabric8.generator.annotation.Size(min = 1, max = 253)
    private String key;

    public SecretKeyRef() {}

    public SecretKeyRef(String name, String key) {
      this.name = name;
      this.key = key;
    }

    public String getName() {
      return name;
    }

    public void setName(String name) {
      this.name = name;
    }

    public String getKey() {
      return key;
    }

    public void setKey(String key) {
      this.key = key;
    }
  }
}
