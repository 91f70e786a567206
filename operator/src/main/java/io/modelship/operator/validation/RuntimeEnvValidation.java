package io.modelship.operator.validation;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.modelship.api.runtime.RuntimeEnvironment;
import io.modelship.api.v1alpha1.spec.RuntimeSpec;
import io.modelship.operator.problem.Problem;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code spec.runtime.env} may add variables but not replace one the operator sets: a second {@code
 * PORT} or {@code MODEL_URI} would silently win in the container (the last entry counts) and the
 * probes, reports or the model loaded would no longer be what the resource says. Nor may it set
 * what the JVM, its launcher or the dynamic loader read at start ({@code JDK_JAVA_OPTIONS}, {@code
 * _JAVA_OPTIONS}, {@code LD_PRELOAD}, ...): those override the operator's {@code JAVA_TOOL_OPTIONS}
 * or change which code runs.
 */
public final class RuntimeEnvValidation {

  public static final String REASON = "OperatorOwnedEnv";

  private RuntimeEnvValidation() {}

  public static Optional<Problem> problem(RuntimeSpec runtime) {
    if (runtime == null || runtime.getEnv() == null) {
      return Optional.empty();
    }
    List<String> names =
        runtime.getEnv().stream()
            .map(EnvVar::getName)
            .filter(Objects::nonNull)
            .distinct()
            .sorted()
            .toList();
    List<String> owned =
        names.stream().filter(RuntimeEnvironment.OPERATOR_OWNED::contains).toList();
    List<String> startup =
        names.stream().filter(RuntimeEnvironment.PROCESS_START::contains).toList();
    if (!owned.isEmpty()) {
      return Optional.of(
          new Problem(
              REASON,
              "spec.runtime.env sets "
                  + String.join(", ", owned)
                  + ", which the operator sets itself; remove "
                  + (owned.size() == 1 ? "it" : "them")
                  + " (the values come from spec.model and spec.monitoring)"));
    }
    if (!startup.isEmpty()) {
      return Optional.of(
          new Problem(
              REASON,
              "spec.runtime.env sets "
                  + String.join(", ", startup)
                  + ", which the JVM or the system reads when the runtime starts and which would override the operator's "
                  + RuntimeEnvironment.JAVA_TOOL_OPTIONS
                  + " or change the code that runs; remove "
                  + (startup.size() == 1 ? "it" : "them")));
    }
    return Optional.empty();
  }
}
