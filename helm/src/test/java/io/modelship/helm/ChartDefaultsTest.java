package io.modelship.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.modelship.operator.settings.OperatorSettings;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A default install gives the serving pods what the operator itself defaults to: the chart passes
 * its values as env, so a value left behind in values.yaml would silently override a default the
 * operator measured (e.g. the serving pod's memory, docs/benchmarks.md "Container images").
 */
class ChartDefaultsTest {

  @Test
  void theDefaultInstallPassesTheOperatorsOwnDefaults() {
    Deployment operator = Chart.one(Chart.render(Map.of()), Deployment.class);
    Map<String, String> env =
        operator.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
            .filter(e -> e.getValue() != null)
            .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
    OperatorSettings defaults = OperatorSettings.defaults();

    assertThat(env)
        .containsEntry("DEFAULT_CPU_REQUEST", defaults.defaultCpuRequest())
        .containsEntry("DEFAULT_MEMORY_REQUEST", defaults.defaultMemoryRequest())
        .containsEntry("DEFAULT_MEMORY_LIMIT", defaults.defaultMemoryLimit())
        .containsEntry(
            "REPORT_INTERVAL_SECONDS", Integer.toString(defaults.reportIntervalSeconds()))
        .containsEntry("DEFAULT_RUNTIME_IMAGE", defaults.defaultImage());
  }
}
