package io.modelship.kubectl.view;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which manual controls apply, what status concludes, which version undo restores. */
class RolloutRulesTest {

  @ParameterizedTest(name = "{0}: promote={1} abort={2} retry={3}")
  @CsvSource({
    "canary-progressing.yaml, true, true, false",
    "canary-paused.yaml, true, true, false",
    "bluegreen-preview.yaml, true, true, false",
    "canary-rolledback.yaml, false, false, true",
    "healthy.yaml, false, false, false",
    "pending.yaml, false, false, false",
    "failed.yaml, false, false, false",
    "degraded-unhealthy.yaml, false, false, false",
    "no-status.yaml, false, false, false"
  })
  void manualControlsApplyOnlyWhereTheyMeanSomething(
      String sample, boolean promote, boolean abort, boolean retry) {
    ModelDeploymentView md = Samples.view(sample);

    assertThat(ManualControl.PROMOTE.whyNot(md) == null).isEqualTo(promote);
    assertThat(ManualControl.PROMOTE_FULL.whyNot(md) == null).isEqualTo(promote);
    assertThat(ManualControl.ABORT.whyNot(md) == null).isEqualTo(abort);
    assertThat(ManualControl.RETRY.whyNot(md) == null).isEqualTo(retry);
  }

  @Test
  void refusalsSayWhy() {
    assertThat(ManualControl.PROMOTE.whyNot(Samples.view("healthy.yaml")))
        .isEqualTo("ml/iris has no rollout to promote (phase Healthy, stable version 1.0.0)");
    assertThat(ManualControl.ABORT.whyNot(Samples.view("failed.yaml")))
        .contains("no rollout to abort", "strategy RollingUpdate");
    assertThat(ManualControl.RETRY.whyNot(Samples.view("degraded-unhealthy.yaml")))
        .isEqualTo("ml/iris has no rolled-back or aborted rollout to retry (phase Degraded)");
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "healthy.yaml, HEALTHY",
    "healthy-stale.yaml, WAITING",
    "canary-progressing.yaml, WAITING",
    "canary-paused.yaml, WAITING",
    "pending.yaml, WAITING",
    "no-status.yaml, WAITING",
    "canary-rolledback.yaml, DEGRADED",
    "degraded-unhealthy.yaml, DEGRADED",
    "failed.yaml, FAILED"
  })
  void statusSettlesOnlyOnTheCurrentGeneration(String sample, RolloutVerdict expected) {
    assertThat(RolloutVerdict.of(Samples.view(sample))).isEqualTo(expected);
  }

  @Test
  void undoDefaultsToTheLastPromotedVersionBeforeTheSpecs() {
    var target = UndoTarget.choose(Samples.view("canary-rolledback.yaml"), null);

    assertThat(target.version()).isEqualTo("1.0.0");
    assertThat(target.uri()).isEqualTo("https://models.example.com/iris/1.0.0.tar.gz");
    assertThat(target.sha256()).isEqualTo("bb22");
  }

  @Test
  void undoToAVersionTakesItsNewestEntry() {
    assertThat(UndoTarget.choose(Samples.view("canary-progressing.yaml"), "0.9.0").uri())
        .isEqualTo("https://models.example.com/iris/0.9.0.tar.gz");
  }

  @Test
  void undoRefusesWhatItCannotRestore() {
    assertThatThrownBy(() -> UndoTarget.choose(Samples.view("canary-progressing.yaml"), "7.0.0"))
        .hasMessage(
            "no version 7.0.0 in the history of ml/iris: history has 0.9.0 (Promoted), 1.0.0 (Promoted)");
    assertThatThrownBy(() -> UndoTarget.choose(Samples.view("healthy.yaml"), null))
        .hasMessageStartingWith(
            "no earlier promoted version to go back to in the history of ml/iris");
    assertThatThrownBy(() -> UndoTarget.choose(Samples.view("healthy.yaml"), "1.0.0"))
        .hasMessage("ml/iris already asks for version 1.0.0");
    assertThatThrownBy(() -> UndoTarget.choose(Samples.view("pending.yaml"), "0.1.0"))
        .hasMessageContaining("the history is empty");
  }

  @Test
  void undoRefusesAnEntryWithoutUri() {
    var md =
        ModelDeploymentView.from(
            Map.of(
                "metadata", Map.of("name", "iris", "namespace", "ml"),
                "spec", Map.of("model", Map.of("version", "2.0.0")),
                "status",
                    Map.of(
                        "history",
                        java.util.List.of(Map.of("version", "1.0.0", "outcome", "Promoted")))));

    assertThatThrownBy(() -> UndoTarget.choose(md, null)).hasMessageContaining("has no uri");
  }

  @Test
  void mistypedFieldsReadAsMissing() {
    var md =
        ModelDeploymentView.from(
            Map.of(
                "metadata", Map.of("name", "iris", "generation", "x"),
                "spec", "not an object",
                "status",
                    Map.of(
                        "phase",
                        "Exploded",
                        "rollout",
                        Map.of("stepIndex", Map.of()),
                        "conditions",
                        "none")));

    assertThat(md.phase()).isEqualTo(Phase.UNKNOWN);
    assertThat(md.stepIndex()).isNull();
    assertThat(md.conditions()).isEmpty();
    assertThat(md.strategy()).isEqualTo("RollingUpdate");
  }

  @ParameterizedTest
  @CsvSource({"30s, 30000", "2m, 120000", "1h30m, 5400000", "500ms, 500", "1.5s, 1500"})
  void durationsParseAsTheSpecWritesThem(String text, long millis) {
    assertThat(GoDuration.parse(text)).isEqualTo(Duration.ofMillis(millis));
  }

  @Test
  void nonDurationsAreRejected() {
    assertThat(
            Arrays.asList(
                GoDuration.parse("10"),
                GoDuration.parse("ten minutes"),
                GoDuration.parse("5m x"),
                GoDuration.parse("")))
        .containsOnlyNulls();
  }

  @Test
  void durationsPrintShort() {
    assertThat(GoDuration.format(Duration.ofSeconds(75))).isEqualTo("1m15s");
    assertThat(GoDuration.format(Duration.ofMinutes(59).plusSeconds(59))).isEqualTo("59m");
    assertThat(GoDuration.format(Duration.ofHours(27))).isEqualTo("1d3h");
  }
}
