package io.modelship.operator.validation;

import io.modelship.api.v1alpha1.spec.RuntimeSpec;
import io.modelship.operator.problem.Problem;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The registries (and repository paths in them) a platform team allows for {@code
 * spec.runtime.image}, so whoever may edit a ModelDeployment cannot run an arbitrary image through
 * the operator. Empty allows every image. A prefix matches on a path boundary: {@code
 * ghcr.io/modelship} allows {@code ghcr.io/modelship/serving-runtime:1} and {@code
 * ghcr.io/modelship:1}, not {@code ghcr.io/modelship-evil/x}; {@code registry.example.com} allows
 * {@code registry.example.com/team/runtime:2}, not {@code registry.example.com:5000/x} nor {@code
 * registry.example.com.evil.io/x}. Short Docker Hub names ({@code nginx}) match nothing:
 * allow-listed images are written in full. The operator's default image is not checked: the
 * platform team chose it.
 *
 * @param prefixes registry host, optionally followed by a repository path, without a trailing slash
 */
public record ImageRegistries(List<String> prefixes) {

  public static final String REASON = "ImageNotAllowed";

  public ImageRegistries {
    prefixes =
        prefixes.stream()
            .map(p -> p.strip().replaceAll("/+$", ""))
            .filter(p -> !p.isEmpty())
            .toList();
  }

  /**
   * Comma-separated, as {@code MODELSHIP_ALLOWED_IMAGE_REGISTRIES} carries them; blank allows all.
   */
  public static ImageRegistries parse(String commaSeparated) {
    return new ImageRegistries(
        commaSeparated == null ? List.of() : Arrays.asList(commaSeparated.split(",")));
  }

  public static ImageRegistries any() {
    return new ImageRegistries(List.of());
  }

  public boolean allows(String image) {
    if (prefixes.isEmpty()) {
      return true;
    }
    // The registry host is case-insensitive; repository paths are lowercase by the reference
    // grammar.
    String candidate = image.strip().toLowerCase(Locale.ROOT);
    return prefixes.stream()
        .map(p -> p.toLowerCase(Locale.ROOT))
        .anyMatch(prefix -> matches(prefix, candidate));
  }

  /**
   * After a bare registry host only "/" may follow ({@code host:5000} is another registry); after a
   * repository path also a tag (":") or a digest ("@").
   */
  private static boolean matches(String prefix, String image) {
    if (!image.startsWith(prefix) || image.length() == prefix.length()) {
      return false;
    }
    char next = image.charAt(prefix.length());
    return next == '/' || (prefix.contains("/") && (next == ':' || next == '@'));
  }

  public Optional<Problem> problem(RuntimeSpec runtime) {
    if (runtime == null
        || runtime.getImage() == null
        || runtime.getImage().isBlank()
        || allows(runtime.getImage())) {
      return Optional.empty();
    }
    return Optional.of(
        new Problem(
            REASON,
            "spec.runtime.image "
                + runtime.getImage()
                + " is not in a registry this operator allows; use an image under "
                + String.join(", ", prefixes)
                + " or leave spec.runtime.image unset for the default"));
  }
}
