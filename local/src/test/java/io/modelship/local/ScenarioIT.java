package io.modelship.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelship.local.scenario.Scenario;
import io.modelship.local.scenario.ScenarioRunner;
import io.modelship.local.scenario.Verdict;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The scenarios of {@code modelship-local --scenario …}, headless. Canary, blue-green and rollback
 * need the operator's rollout planners (issue 6): today's operator rolls every strategy like
 * RollingUpdate, so a canary would be promoted without analysis and the shuffled-label model would
 * be promoted instead of rolled back — which {@link Verdict} reports as failures.
 */
class ScenarioIT {

  static final Path HOME = Path.of(System.getProperty("modelship.home", "..")).toAbsolutePath().normalize();

  @TempDir Path work;

  @Disabled("needs issue 6 rollout planners")
  @ParameterizedTest
  @EnumSource(value = Scenario.class, names = {"CANARY", "BLUEGREEN", "ROLLBACK"})
  void endsAsItShould(Scenario scenario) throws Exception {
    run(scenario);
  }

  @ParameterizedTest
  @EnumSource(value = Scenario.class, names = {"ROLLING"})
  void rollingEndsAsItShould(Scenario scenario) throws Exception {
    run(scenario);
  }

  private void run(Scenario scenario) throws Exception {
    ByteArrayOutputStream view = new ByteArrayOutputStream();
    Verdict verdict;
    try (LocalCluster cluster = LocalCluster.start(new LocalCluster.Layout(HOME, work), 0)) {
      ScenarioRunner runner = new ScenarioRunner(cluster, scenario, 20, new PrintStream(view, true,
          StandardCharsets.UTF_8), false, Duration.ofMinutes(6));
      try {
        verdict = runner.run();
      } finally {
        runner.close();
      }
    }
    String shown = view.toString(StandardCharsets.UTF_8);
    assertThat(verdict.outcome()).as(verdict.message() + "\n" + shown.substring(Math.max(0, shown.length() - 4000)))
        .isEqualTo(Verdict.Outcome.SUCCEEDED);
    assertThat(shown).contains("ModelDeployment ml/iris", "replicas:");
    switch (scenario) {
      case ROLLBACK -> assertThat(verdict.message()).contains("rolled back to 1.0.0");
      case CANARY -> assertThat(shown).contains("analysis:", "[x] setWeight 10%");
      default -> assertThat(verdict.message()).contains("2.0.0");
    }
  }
}
