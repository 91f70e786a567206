package io.modelship.operator.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.modelship.api.v1alpha1.spec.RuntimeSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RuntimeEnvValidationTest {

  static RuntimeSpec env(String... names) {
    var runtime = new RuntimeSpec();
    runtime.setEnv(java.util.Arrays.stream(names).map(n -> new EnvVar(n, "x", null)).toList());
    return runtime;
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "PORT",
        "MODEL_URI",
        "MODEL_SHA256",
        "DRIFT_MIN_SAMPLES",
        "FEEDBACK_SIGNING_KEY",
        "JAVA_TOOL_OPTIONS",
        "MALLOC_ARENA_MAX"
      })
  void anOperatorOwnedVariableIsRefusedByName(String name) {
    var problem = RuntimeEnvValidation.problem(env("LOG_LEVEL", name)).orElseThrow();
    assertThat(problem.reason()).isEqualTo("OperatorOwnedEnv");
    assertThat(problem.message())
        .contains("spec.runtime.env")
        .contains(name)
        .doesNotContain("LOG_LEVEL");
  }

  @ParameterizedTest
  @ValueSource(strings = {"JDK_JAVA_OPTIONS", "_JAVA_OPTIONS", "LD_PRELOAD", "CLASSPATH"})
  void aVariableTheJvmReadsAtStartIsRefused(String name) {
    var problem = RuntimeEnvValidation.problem(env("LOG_LEVEL", name)).orElseThrow();
    assertThat(problem.reason()).isEqualTo("OperatorOwnedEnv");
    assertThat(problem.message())
        .contains(name)
        .contains("JAVA_TOOL_OPTIONS")
        .doesNotContain("LOG_LEVEL");
  }

  @Test
  void ownVariablesAreFine() {
    assertThat(RuntimeEnvValidation.problem(env("LOG_LEVEL", "RATE_LIMIT_RPS"))).isEmpty();
    assertThat(RuntimeEnvValidation.problem(null)).isEmpty();
    assertThat(RuntimeEnvValidation.problem(new RuntimeSpec())).isEmpty();
  }

  @Test
  void severalAreNamedTogether() {
    assertThat(
            RuntimeEnvValidation.problem(env("PORT", "MODEL_URI", "PORT")).orElseThrow().message())
        .contains("MODEL_URI, PORT")
        .contains("them");
  }
}
