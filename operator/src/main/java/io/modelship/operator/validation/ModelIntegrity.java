package io.modelship.operator.validation;

import io.modelship.api.v1alpha1.spec.ModelSpec;
import io.modelship.operator.problem.Problem;
import java.util.Locale;
import java.util.Optional;

/**
 * A package over plain http:// can be altered on the way; without a sha256 nothing notices. By
 * default it is served anyway (it may be a trusted in-cluster server) under a warning condition; an
 * operator run with {@code MODELSHIP_REQUIRE_SHA256_FOR_HTTP=true} refuses it. A URI kept in a
 * Secret ({@code uriFrom}) hides its scheme from the operator, so with that setting it needs a
 * sha256 whatever its scheme.
 */
public final class ModelIntegrity {

  public static final String REFUSED = "UnverifiedModelRefused";

  private ModelIntegrity() {}

  /** The warning for a plain http:// URI without a sha256; empty otherwise. */
  public static Optional<String> unverified(ModelSpec model) {
    boolean http =
        model.getUri() != null
            && model.getUri().trim().toLowerCase(Locale.ROOT).startsWith("http://");
    return http && !hasSha256(model)
        ? Optional.of(
            "spec.model.uri "
                + model.getUri()
                + " is plain http:// and spec.model.sha256 is not set, so a"
                + " package altered in transit would be served; set spec.model.sha256 or use https://")
        : Optional.empty();
  }

  /**
   * Why the package is refused when the operator requires a sha256 for http://; empty when it may
   * be served.
   */
  public static Optional<Problem> problem(ModelSpec model, boolean requireSha256ForHttp) {
    if (!requireSha256ForHttp || hasSha256(model)) {
      return Optional.empty();
    }
    if (model.getUriFrom() != null) {
      return Optional.of(
          new Problem(
              REFUSED,
              "spec.model.uriFrom keeps the URI in a Secret the operator does not"
                  + " read, and this operator requires spec.model.sha256 for packages that may come over plain http://;"
                  + " set spec.model.sha256"));
    }
    return unverified(model)
        .map(
            message ->
                new Problem(
                    REFUSED,
                    message
                        + " (this operator refuses such packages: MODELSHIP_REQUIRE_SHA256_FOR_HTTP is true)"));
  }

  private static boolean hasSha256(ModelSpec model) {
    return model.getSha256() != null && !model.getSha256().isBlank();
  }
}
