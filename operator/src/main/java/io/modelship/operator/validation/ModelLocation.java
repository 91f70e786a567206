package io.modelship.operator.validation;

import io.modelship.api.runtime.UriRedaction;
import io.modelship.api.v1alpha1.spec.ModelSpec;
import io.modelship.api.v1alpha1.spec.ModelUriSource;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;

/**
 * Where the serving pods fetch the model package from, as the runtime will see it. A {@code
 * pvc://CLAIM/PATH} location is mounted read-only at {@link #PVC_MOUNT} and handed to the runtime
 * as a {@code file://} URI, because the runtime cannot reach a claim by itself.
 *
 * <p>A URI kept in a Secret ({@code spec.model.uriFrom}) is never read by the operator: the pod
 * receives it through a secretKeyRef, and so it cannot be a {@code pvc://} location (the operator
 * would have to know the claim to mount it).
 *
 * @param runtimeUri the URI the runtime receives in {@code MODEL_URI}; null when it comes from a
 *     Secret
 * @param claim the PersistentVolumeClaim to mount, if any
 * @param secret the Secret key the pod reads {@code MODEL_URI} from, if any
 */
public record ModelLocation(
    String runtimeUri, Optional<String> claim, Optional<ModelUriSource.SecretKeyRef> secret) {

  public static final String PVC_MOUNT = "/mnt/models";

  public ModelLocation(String runtimeUri, Optional<String> claim) {
    this(runtimeUri, claim, Optional.empty());
  }

  /**
   * The location {@code spec.model} names, by {@code uri} or {@code uriFrom}, or why it cannot be
   * served.
   */
  public static Result of(ModelSpec model) {
    if (model.getUriFrom() == null) {
      return parse(model.getUri());
    }
    if (model.getUri() != null) {
      return new Result.Invalid(
          "UnsupportedModelUri", "spec.model sets both uri and uriFrom; set exactly one");
    }
    var ref = model.getUriFrom().getSecretKeyRef();
    if (ref == null
        || ref.getName() == null
        || ref.getName().isBlank()
        || ref.getKey() == null
        || ref.getKey().isBlank()) {
      return new Result.Invalid(
          "UnsupportedModelUri", "spec.model.uriFrom.secretKeyRef needs a name and a key");
    }
    return new Result.Valid(new ModelLocation(null, Optional.empty(), Optional.of(ref)));
  }

  /** Parses {@code spec.model.uri} or says in one sentence why it cannot be served. */
  public static Result parse(String uri) {
    if (uri == null || uri.isBlank()) {
      return new Result.Invalid("UnsupportedModelUri", "spec.model.uri is empty");
    }
    URI parsed;
    try {
      parsed = new URI(uri.trim());
    } catch (URISyntaxException e) {
      return new Result.Invalid(
          "UnsupportedModelUri", "spec.model.uri is not a URI: " + e.getMessage());
    }
    String scheme = parsed.getScheme() == null ? "" : parsed.getScheme().toLowerCase(Locale.ROOT);
    return switch (scheme) {
      case "http", "https" ->
          parsed.getHost() == null
              ? new Result.Invalid("UnsupportedModelUri", "spec.model.uri " + uri + " has no host")
              : new Result.Valid(new ModelLocation(uri.trim(), Optional.empty()));
      case "file" ->
          parsed.getPath() == null || parsed.getPath().isEmpty()
              ? new Result.Invalid("UnsupportedModelUri", "spec.model.uri " + uri + " has no path")
              : new Result.Valid(new ModelLocation(uri.trim(), Optional.empty()));
      case "pvc" -> pvc(uri, parsed);
      case "s3" -> s3(uri, parsed);
      default ->
          new Result.Invalid(
              "UnsupportedModelUri",
              "spec.model.uri scheme '"
                  + scheme
                  + "' is not supported; use file://, http://, https://, pvc://CLAIM/PATH or s3://BUCKET/KEY");
    };
  }

  private static Result pvc(String uri, URI parsed) {
    String claim = parsed.getAuthority();
    String path = parsed.getPath() == null ? "" : parsed.getPath();
    if (claim == null || claim.isBlank() || path.isBlank() || "/".equals(path)) {
      return new Result.Invalid(
          "UnsupportedModelUri", "spec.model.uri " + uri + " must look like pvc://CLAIM/PATH");
    }
    return new Result.Valid(new ModelLocation("file://" + PVC_MOUNT + path, Optional.of(claim)));
  }

  /** {@code s3://BUCKET/KEY}: the runtime reads it itself, with spec.model.storage's settings. */
  private static Result s3(String uri, URI parsed) {
    String bucket = parsed.getAuthority();
    String key = parsed.getPath() == null ? "" : parsed.getPath();
    if (bucket == null
        || !bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
        || key.length() <= 1
        || key.endsWith("/")) {
      return new Result.Invalid(
          "UnsupportedModelUri",
          "spec.model.uri "
              + uri
              + " must look like s3://BUCKET/KEY (a lower-case bucket name"
              + " and the key of a .tar.gz or .zip)");
    }
    return new Result.Valid(new ModelLocation(uri.trim(), Optional.empty()));
  }

  /** A parsed location, or the reason and message for a Ready=False condition. */
  public sealed interface Result {
    record Valid(ModelLocation location) implements Result {}

    /** The message never carries the URI's user-info or query (a signed URL's signature). */
    record Invalid(String reason, String message) implements Result {
      public Invalid {
        message = UriRedaction.redact(message);
      }
    }
  }
}
