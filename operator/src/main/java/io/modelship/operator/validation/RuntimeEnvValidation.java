package io.modelship.operator.validation;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.modelship.api.runtime.RuntimeEnvironment;
import io.modelship.api.v1alpha1.spec.RuntimeSpec;
import io.modelship.operator.status.Problem;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code spec.runtime.env} may add variables but not replace one the operator sets: a second
 * {@code PORT} or {@code MODEL_URI} would silently win in the container (the last entry counts)
 * and the probes, reports or the model loaded would no longer be what the resource says.
 */
public final class RuntimeEnvValidation {

  public static final String REASON = "OperatorOwnedEnv";

  private RuntimeEnvValidation() {}

  public static Optional<Problem> problem(RuntimeSpec runtime) {
    if (runtime == null || runtime.getEnv() == null) {
      return Optional.empty();
    }
    List<String> owned = runtime.getEnv().stream()
        .map(EnvVar::getName)
        .filter(Objects::nonNull)
        .filter(RuntimeEnvironment.OPERATOR_OWNED::contains)
        .distinct()
        .sorted()
        .toList();
    return owned.isEmpty()
        ? Optional.empty()
        : Optional.of(new Problem(REASON, "spec.runtime.env sets " + String.join(", ", owned)
            + ", which the operator sets itself; remove " + (owned.size() == 1 ? "it" : "them")
            + " (the values come from spec.model and spec.monitoring)"));
  }
}
