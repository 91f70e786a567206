package io.modelship.kubectl.view;

import static io.modelship.kubectl.view.Samples.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** candidates, the adopt choice and --print's YAML, and get's Retraining block, over samples. */
class RetrainingViewTest {

  @Test
  void candidatesShowsEachCandidateAgainstTheServingVersionAndTheRuns() {
    String out = CandidatesView.render(Samples.view("retraining-better.yaml"), NOW);

    assertThat(out)
        .containsPattern(
            "2\\.0\\.0-retrain\\.2 +NotBetter +accuracy 0\\.72 vs 0\\.712 on 250 rows \\(serving 2\\.0\\.0\\) +2h53m ago +s3://ml/iris/candidates/2\\.0\\.0-retrain\\.2\\.tar\\.gz")
        .containsPattern("2\\.0\\.0-retrain\\.1 +✓ Better +accuracy 0\\.953 vs 0\\.712 on 240 rows")
        .containsPattern(
            "1d16h ago +Drift: drift at Alert on 3 features for 31m +Succeeded +iris-retrain-1 +12m +candidate 2\\.0\\.0-retrain\\.1 is Better")
        .containsPattern(
            "Schedule: schedule 0 3 \\* \\* 0 +NoNewData +iris-retrain-2 +1m +no labelled row")
        .endsWith(
            "Adopt 2.0.0-retrain.1: commit it to spec.model in Git (kubectl modelship adopt iris -n ml --print shows the YAML), or kubectl modelship adopt iris -n ml to edit the resource directly.\n");
  }

  @Test
  void candidatesSaysWhenThereIsNothingToShow() {
    assertThat(CandidatesView.render(Samples.view("healthy.yaml"), NOW))
        .isEqualTo(
            "ml/iris does not retrain: spec.retraining is not set, so there are no runs or candidates.\n");

    var configured = Samples.resource("healthy.yaml");
    spec(configured).put("retraining", Map.of("output", "file:///candidates/"));
    assertThat(CandidatesView.render(ModelDeploymentView.from(configured), NOW))
        .isEqualTo(
            """
            Candidates of ml/iris: none yet

            Runs: none yet

            No Better candidate to adopt; kubectl modelship retrain iris -n ml starts a run now.
            """);
  }

  @Test
  void aRunningRunShowsHowLongItHasRun() {
    String out = CandidatesView.render(Samples.view("retraining-running.yaml"), NOW);

    assertThat(out)
        .containsPattern("3m ago +AccuracyDrop: accuracy 0\\.88 .* +Running +iris-retrain-2 +3m")
        .endsWith("A run is under way (Job iris-retrain-2).\n");
  }

  @Test
  void adoptChoosesTheNewestBetterCandidateByDefault() {
    var md = Samples.view("retraining-better.yaml");

    assertThat(Adoption.choose(md, null).version()).isEqualTo("2.0.0-retrain.1");
    assertThat(Adoption.choose(md, "2.0.0-retrain.2").verdict()).isEqualTo("NotBetter");
  }

  @Test
  void adoptRefusesWithoutABetterOneAnUnknownOneAndTheOneInSpec() {
    assertThatThrownBy(() -> Adoption.choose(Samples.view("retraining-running.yaml"), null))
        .hasMessage(
            "no candidate of ml/iris is Better than the version it was compared with: 1.0.0-retrain.1 (NotBetter); name one with --candidate V to adopt it anyway");
    assertThatThrownBy(() -> Adoption.choose(Samples.view("retraining-better.yaml"), "9.9.9"))
        .hasMessage(
            "no candidate 9.9.9 of ml/iris: candidates are 2.0.0-retrain.2 (NotBetter), 2.0.0-retrain.1 (Better)");
    assertThatThrownBy(() -> Adoption.choose(Samples.view("healthy.yaml"), null))
        .hasMessage("ml/iris has no retraining candidates: spec.retraining is not set");

    var adopted = Samples.resource("retraining-better.yaml");
    model(adopted).put("version", "2.0.0-retrain.1");
    assertThatThrownBy(() -> Adoption.choose(ModelDeploymentView.from(adopted), null))
        .hasMessage("ml/iris already asks for version 2.0.0-retrain.1 in spec.model");
  }

  @Test
  void printedModelKeepsNameAndStorageAndDropsUriFrom() {
    var resource = Samples.resource("retraining-better.yaml");
    var candidate = Adoption.choose(ModelDeploymentView.from(resource), null);

    assertThat(Adoption.yaml(Adoption.model(model(resource), candidate)))
        .isEqualTo(
            """
            spec:
              model:
                name: "iris"
                version: "2.0.0-retrain.1"
                uri: "s3://ml/iris/candidates/2.0.0-retrain.1.tar.gz"
                sha256: "cc11"
                storage:
                  region: "eu-west-1"
                  pathStyle: true
                  secretRef:
                    name: "s3-creds"
            """);
  }

  @Test
  void getShowsTheLastRunAndTheNewestCandidate() {
    String view = DetailView.render(Samples.resource("retraining-better.yaml"), List.of(), NOW);

    assertThat(view)
        .contains(
            """

            Retraining:
              Last run:   Succeeded 2h53m ago (iris-retrain-3; Manual: modelship.io/retrain 2026-12-01T09:00:00Z): candidate 2.0.0-retrain.2 is NotBetter: accuracy 0.72 vs 0.712 (needs +0.01)
              Candidate:  2.0.0-retrain.2 NotBetter: accuracy 0.72 vs 0.712 on 250 rows
              Adopt 2.0.0-retrain.1: commit it""");
    assertThat(DetailView.render(Samples.resource("retraining-running.yaml"), List.of(), NOW))
        .contains(
            "  Running:    iris-retrain-2, 3m so far; AccuracyDrop: accuracy 0.88 vs baseline 0.95 (drop 0.07 > 0.05) on 400 rows\n");
    assertThat(DetailView.render(Samples.resource("healthy.yaml"), List.of(), NOW))
        .doesNotContain("Retraining");
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> spec(Map<String, Object> resource) {
    return (Map<String, Object>) resource.get("spec");
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> model(Map<String, Object> resource) {
    return (Map<String, Object>) spec(resource).get("model");
  }
}
