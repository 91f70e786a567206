package io.modelship.kubectl.view;

import static io.modelship.kubectl.view.Samples.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class DetailViewTest {

  static String render(String sample, String deployments) {
    return DetailView.render(
        Samples.resource(sample),
        deployments == null ? List.of() : Samples.deployments(deployments),
        NOW);
  }

  static String line(String view, String containing) {
    return view.lines()
        .filter(l -> l.contains(containing))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no line with '" + containing + "' in\n" + view));
  }

  @Test
  void canaryMarksDoneStepsAndTheCurrentOneWithItsWeights() {
    String view = render("canary-progressing.yaml", "canary-progressing-deployments.yaml");

    assertThat(line(view, "setWeight 10")).startsWith("  ✓ 1");
    assertThat(line(view, "setHeaderRoute")).startsWith("  ✓ 4");
    assertThat(line(view, "  setWeight 50"))
        .startsWith("  ▶ 5")
        .contains("desired 50%, actual 50%");
    assertThat(line(view, "pause (until promoted)")).startsWith("    6");
    assertThat(line(view, "Traffic:"))
        .contains("desired 50%", "actual 50%", "mirror 100%", "x-model-version: 2.0.0");
  }

  @Test
  void replicasPerVersionComeFromTheDeploymentsWithTheirRole() {
    String view = render("canary-progressing.yaml", "canary-progressing-deployments.yaml");

    assertThat(line(view, "1.0.0     stable")).matches(" *1\\.0\\.0 +stable +4 +4");
    assertThat(line(view, "2.0.0     canary")).matches(" *2\\.0\\.0 +canary +2 +2");
  }

  @Test
  void analysisShowsTheLatestMeasurementPerMetricAgainstItsThreshold() {
    String view = render("canary-progressing.yaml", null);

    assertThat(line(view, "Analysis:"))
        .contains("3 passed, 0 failed, 1 inconclusive", "last judged 30s ago");
    // The older Inconclusive errorRate judgement is superseded by the latest one.
    assertThat(line(view, "errorRate"))
        .matches(" *errorRate +0\\.0021 +≤ 0\\.01 +✓ Pass +948 +30s +30s");
    assertThat(line(view, "latencyP99Ms")).contains("4.7 ms", "≤ 50 ms", "Pass");
    assertThat(line(view, "latencyP99Ratio")).contains("1.08×", "≤ 1.5×");
    assertThat(view.lines().filter(l -> l.contains("errorRate")).count()).isEqualTo(1);
  }

  @Test
  void driftListsFeaturesHighestFirstWithTheirLevel() {
    String view = render("bluegreen-preview.yaml", null);

    List<String> features =
        view.lines()
            .dropWhile(l -> !l.startsWith("Drift:"))
            .skip(2)
            .takeWhile(l -> !l.isBlank())
            .map(l -> l.trim().split(" +")[0])
            .toList();
    assertThat(features)
        .containsExactly("amount", "distance_km", "merchant_risk", "hour", "(prediction)");
    assertThat(line(view, "Drift:")).contains("Warning, score 0.14", "warning 0.1, alert 0.25");
    assertThat(line(view, "  amount")).endsWith("Warning");
    assertThat(line(view, "  hour")).endsWith("Normal");
  }

  @Test
  void conditionsShowReasonAgeAndMessage() {
    String view = render("canary-progressing.yaml", null);

    assertThat(line(view, "  Progressing   True"))
        .contains("StepInProgress", "1m30s", "step 5 of 6");
  }

  @Test
  void aTimedPauseShowsHowLongIsLeft() {
    String view = render("canary-paused.yaml", null);

    assertThat(line(view, "pause 2m")).startsWith("  ▶ 2").contains("paused 45s, 1m15s left");
    assertThat(line(view, "Phase:")).contains("Paused");
  }

  @Test
  void aRollbackShowsWhyAndWhereItStopped() {
    String view = render("canary-rolledback.yaml", null);

    assertThat(line(view, "Message:"))
        .contains("rolled back 2.0.0 → 1.0.0 at step 3: p99 82 ms > 50 ms");
    assertThat(line(view, "  setWeight 50")).startsWith("  ✗ 3").contains("rolled back here");
    assertThat(line(view, "latencyP99Ms")).contains("82 ms", "≤ 50 ms", "✗ Fail");
  }

  @Test
  void blueGreenShowsWhichVersionEachServiceServes() {
    String view = render("bluegreen-preview.yaml", "bluegreen-preview-deployments.yaml");

    assertThat(line(view, "fraud-preview")).matches(" *fraud-preview +3\\.1\\.0 +preview");
    assertThat(line(view, "  fraud  ")).matches(" *fraud +3\\.0\\.2 +active");
    assertThat(view).contains("switches when promoted (kubectl modelship promote fraud -n ml)");
    assertThat(view).containsPattern("\n  3\\.1\\.0 +preview +1 +1\n");
    assertThat(view).doesNotContain("Steps:");
  }

  @Test
  void aStatusForAnOlderGenerationSaysSo() {
    String view = render("healthy-stale.yaml", null);

    assertThat(line(view, "Phase:")).contains("Healthy", "generation 3", "spec is 4");
  }

  @Test
  void aResourceWithoutStatusStillRenders() {
    String view = render("no-status.yaml", null);

    assertThat(line(view, "Phase:")).contains("no status yet");
    assertThat(line(view, "Replicas:"))
        .contains("no Deployments labelled modelship.io/deployment=iris");
    assertThat(view).doesNotContain("Analysis:", "Conditions:", "null");
  }

  @Test
  void noSampleRendersANullOrAnException() {
    for (String sample :
        List.of(
            "canary-progressing.yaml",
            "canary-paused.yaml",
            "canary-rolledback.yaml",
            "bluegreen-preview.yaml",
            "healthy.yaml",
            "healthy-stale.yaml",
            "pending.yaml",
            "no-status.yaml",
            "failed.yaml",
            "degraded-unhealthy.yaml")) {
      assertThat(render(sample, null)).as(sample).doesNotContain("null").contains("Name:     ml/");
    }
  }
}
