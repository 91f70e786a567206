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
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The scenarios of {@code modelship-local --scenario …}, headless, against the real operator: each
 * on its own cluster (its own API, operator and pods), so one scenario's leftovers cannot decide
 * another's outcome. The rolling update is {@link LocalModeIT}'s (same manifest, driven by kubectl).
 */
class ScenarioIT {

  static final Path HOME = Path.of(System.getProperty("modelship.home", "..")).toAbsolutePath().normalize();

  @TempDir Path work;

  @ParameterizedTest
  @EnumSource(value = Scenario.class, names = {"CANARY", "BLUEGREEN"})
  void endsAsItShould(Scenario scenario) throws Exception {
    run(scenario);
  }

  @Test
  @Disabled("issue 9, open: in the merged build the shuffled-label 2.1.0 was promoted once; the judge scores"
      + " accuracy without a minimum of labelled samples, so a small interval decides by chance")
  void rollbackEndsRolledBack() throws Exception {
    run(Scenario.ROLLBACK);
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
    // The live view is the plugin's `get --watch` view.
    assertThat(shown).contains("Name:     ml/iris", "Replicas:");
    switch (scenario) {
      case ROLLBACK -> assertThat(verdict.message()).contains("rolled back to 1.0.0")
          .containsPattern("\\d\\.\\d+ [a-z ]*> \\d"); // the measured value against its threshold
      case CANARY -> assertThat(shown).contains("Analysis: ", "✓ 1  setWeight 10");
      default -> assertThat(verdict.message()).contains("2.0.0");
    }
  }
}
