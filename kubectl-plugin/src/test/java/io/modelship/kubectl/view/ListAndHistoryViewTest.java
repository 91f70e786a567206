package io.modelship.kubectl.view;

import static io.modelship.kubectl.view.Samples.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ListAndHistoryViewTest {

  @Test
  void listShowsEachRolloutsPositionAndWeight() {
    String out =
        ListView.render(
            List.of(
                Samples.view("canary-progressing.yaml"), Samples.view("bluegreen-preview.yaml")),
            false,
            NOW);

    assertThat(out.lines().toList()).hasSize(3);
    assertThat(out.lines().findFirst().orElseThrow())
        .startsWith("NAME")
        .contains("PHASE", "STEP", "WEIGHT");
    assertThat(out)
        .containsPattern(
            "iris +iris +2\\.0\\.0 +Canary +Progressing +1\\.0\\.0 +2\\.0\\.0 +5/6 +50% \\(50%\\) +6/6");
    assertThat(out)
        .containsPattern(
            "fraud +fraud +3\\.1\\.0 +BlueGreen +Paused +3\\.0\\.2 +3\\.1\\.0 +- +- +4/4");
  }

  @Test
  void listAcrossNamespacesLeadsWithTheNamespace() {
    String out = ListView.render(List.of(Samples.view("healthy.yaml")), true, NOW);

    assertThat(out.lines().findFirst().orElseThrow()).startsWith("NAMESPACE   NAME");
    assertThat(out).containsPattern("\nml +iris +iris +1\\.0\\.0 +Canary +Healthy");
  }

  @Test
  void listMarksStatusOfAnOlderGeneration() {
    String out = ListView.render(List.of(Samples.view("healthy-stale.yaml")), false, NOW);

    assertThat(out).contains("Healthy*").contains("* status describes an older generation");
  }

  @Test
  void emptyListSaysSo() {
    assertThat(ListView.render(List.of(), false, NOW)).isEqualTo("No ModelDeployments found.\n");
  }

  @Test
  void historyListsVersionsWithOutcomeAndUri() {
    String out = HistoryView.render(Samples.view("canary-rolledback.yaml"), NOW);

    assertThat(out)
        .containsPattern(
            "1 +1\\.0\\.0 +Promoted +21h +2026-11-30T15:00:00Z +https://models.example.com/iris/1.0.0.tar.gz");
    assertThat(out).containsPattern("2 +2\\.0\\.0 +RolledBack +1m .*p99 82 ms > 50 ms");
    assertThat(out).contains("kubectl modelship undo iris");
  }

  @Test
  void emptyHistorySaysSo() {
    assertThat(HistoryView.render(Samples.view("pending.yaml"), NOW))
        .isEqualTo("No rollout history for ml/iris yet.\n");
  }
}
