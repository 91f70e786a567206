package io.modelship.kubectl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each command against the mock API, through the same kubeconfig handling a user has. */
class CommandsTest {

  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  MockApi api;

  @BeforeEach
  void start() {
    api = new MockApi(dir);
  }

  @AfterEach
  void stop() {
    api.close();
  }

  @SuppressWarnings("unchecked")
  static Map<String, String> annotations(Map<String, Object> resource) {
    return (Map<String, String>)
        ((Map<String, Object>) resource.get("metadata")).getOrDefault("annotations", Map.of());
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> model(Map<String, Object> resource) {
    return (Map<String, Object>) ((Map<String, Object>) resource.get("spec")).get("model");
  }

  @Test
  void getShowsTheRolloutWithReplicasFromTheDeployments() {
    api.with("canary-progressing.yaml").withDeployments("canary-progressing-deployments.yaml");

    var run = api.run("get", "iris");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out())
        .contains("Name:     ml/iris", "▶ 5  setWeight 50")
        .containsPattern("2\\.0\\.0 +canary +2 +2");
  }

  @Test
  void getOfAMissingResourceNamesIt() {
    var run = api.run("get", "nope");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).isEqualTo("error: modeldeployment \"nope\" not found in namespace ml\n");
  }

  @Test
  void namespaceComesFromTheFlagOrElseTheContext() {
    api.with("canary-progressing.yaml");

    assertThat(api.run("-n", "other", "get", "iris").err())
        .contains("not found in namespace other");
    assertThat(api.run("get", "iris", "--context", "mock-default").err())
        .contains("not found in namespace default");
    assertThat(api.run("get", "iris", "--context", "nowhere").err())
        .isEqualTo("error: context \"nowhere\" not found in the kubeconfig\n");
  }

  @Test
  void listShowsEveryModelDeploymentOfTheNamespace() {
    api.with("canary-progressing.yaml").with("bluegreen-preview.yaml");

    var run = api.run("list");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out().lines().toList()).hasSize(3);
    assertThat(run.out())
        .containsPattern("fraud +fraud +3\\.1\\.0 +BlueGreen +Paused")
        .containsPattern("iris +iris +2\\.0\\.0 +Canary +Progressing .* 5/6");
  }

  @Test
  void promotePatchesOnlyTheAnnotationWithAFreshTokenEachTime() throws Exception {
    api.with("canary-progressing.yaml");
    api.drainRequests();
    api.patches.clear();

    var first = api.run("promote", "iris");
    var writes = api.writes();
    String token1 = annotations(api.get("ml", "iris")).get("modelship.io/promote");
    var second = api.run("promote", "iris");
    String token2 = annotations(api.get("ml", "iris")).get("modelship.io/promote");

    assertThat(first.exitCode()).isZero();
    assertThat(first.out()).contains("ml/iris: promoting 2.0.0 to the next step", token1);
    assertThat(writes).hasSize(1);
    assertThat(api.patches).hasSize(2);
    assertThat(writes.get(0).getMethod()).isEqualTo("PATCH");
    assertThat(writes.get(0).getHeader("Content-Type")).startsWith("application/merge-patch+json");
    assertThat(JSON.readTree(api.patches.get(0)))
        .isEqualTo(
            JSON.readTree(
                "{\"metadata\":{\"annotations\":{\"modelship.io/promote\":\"" + token1 + "\"}}}"));
    assertThat(Instant.parse(token1)).isBefore(Instant.parse(token2));
    assertThat(second.exitCode()).isZero();
    assertThat(model(api.get("ml", "iris"))).containsEntry("version", "2.0.0");
  }

  @Test
  void promoteFullAbortAndRetrySetTheirOwnAnnotations() {
    api.with("canary-progressing.yaml").with("bluegreen-preview.yaml");

    assertThat(api.run("promote", "iris", "--full").out()).contains("promoting 2.0.0 fully");
    assertThat(api.run("abort", "fraud").out())
        .contains("aborting the rollout of 3.1.0; traffic goes back to 3.0.2");

    assertThat(annotations(api.get("ml", "iris"))).containsOnlyKeys("modelship.io/promote-full");
    assertThat(annotations(api.get("ml", "fraud")))
        .containsOnlyKeys("argocd.argoproj.io/tracking-id", "modelship.io/abort");
  }

  @Test
  void retryAppliesToARolledBackRollout() {
    api.with("canary-rolledback.yaml");

    var run = api.run("retry", "iris");

    assertThat(run.exitCode()).isZero();
    assertThat(annotations(api.get("ml", "iris"))).containsKey("modelship.io/retry");
  }

  @Test
  void actionsThatDoNotApplyAreRefusedWithoutWriting() {
    api.with("healthy.yaml");
    api.drainRequests();

    var promote = api.run("promote", "iris");
    var abort = api.run("abort", "iris");
    var retry = api.run("retry", "iris");

    assertThat(promote.exitCode()).isEqualTo(1);
    assertThat(promote.err())
        .isEqualTo(
            "error: ml/iris has no rollout to promote (phase Healthy, stable version 1.0.0)\n");
    assertThat(abort.err()).contains("no rollout to abort");
    assertThat(retry.err()).contains("no rolled-back or aborted rollout to retry");
    assertThat(api.writes()).isEmpty();
  }

  @Test
  void historyPrintsStatusHistory() {
    api.with("canary-rolledback.yaml");

    var run = api.run("history", "iris");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out())
        .containsPattern("1\\.0\\.0 +Promoted")
        .containsPattern("2\\.0\\.0 +RolledBack");
  }

  @Test
  void undoRestoresVersionUriAndSha256FromHistoryAndWarnsAboutGitOps() {
    api.with("canary-rolledback.yaml");

    var run = api.run("undo", "iris");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("spec.model set back from 2.0.0 to 1.0.0");
    assertThat(run.err())
        .startsWith("warning: ")
        .contains("GitOps tool", "revert", "spec.model.version to 1.0.0 in Git");
    assertThat(model(api.get("ml", "iris")))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "version",
                "1.0.0",
                "uri",
                "https://models.example.com/iris/1.0.0.tar.gz",
                "sha256",
                "bb22"));
  }

  @Test
  void undoToAVersionWithoutSha256RemovesTheStaleOne() {
    api.with("canary-progressing.yaml");
    api.client()
        .genericKubernetesResources(Cluster.MODEL_DEPLOYMENTS)
        .inNamespace("ml")
        .withName("iris")
        .patch(
            PatchContext.of(PatchType.JSON_MERGE),
            "{\"status\":{\"history\":[{\"version\":\"0.9.0\",\"uri\":\"file:///models/iris-0.9.0\",\"outcome\":\"Promoted\"}]}}");

    var run = api.run("undo", "iris", "--to-version", "0.9.0");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(model(api.get("ml", "iris")))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("name", "iris", "version", "0.9.0", "uri", "file:///models/iris-0.9.0"));
  }

  /**
   * A version whose URI was kept in a Secret comes back as uriFrom, and the current uri goes
   * (exactly one of the two).
   */
  @Test
  void undoToAVersionWhoseUriCameFromASecretRestoresUriFrom() {
    api.with("canary-progressing.yaml");
    api.client()
        .genericKubernetesResources(Cluster.MODEL_DEPLOYMENTS)
        .inNamespace("ml")
        .withName("iris")
        .patch(
            PatchContext.of(PatchType.JSON_MERGE),
            "{\"status\":{\"history\":[{\"version\":\"0.9.0\","
                + "\"uriFrom\":{\"secretKeyRef\":{\"name\":\"iris-model\",\"key\":\"uri\"}},\"sha256\":\"cc33\","
                + "\"outcome\":\"Promoted\"}]}}");

    var history = api.run("history", "iris");
    assertThat(history.out()).contains("secretKeyRef iris-model/uri");
    var run = api.run("undo", "iris", "--to-version", "0.9.0");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("(secretKeyRef iris-model/uri)");
    assertThat(model(api.get("ml", "iris")))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "name",
                "iris",
                "version",
                "0.9.0",
                "sha256",
                "cc33",
                "uriFrom",
                Map.of("secretKeyRef", Map.of("name", "iris-model", "key", "uri"))));
  }

  @Test
  void undoNamesAnArgoCdManagedResource() {
    api.with("bluegreen-preview.yaml");

    var run = api.run("undo", "fraud");

    assertThat(run.err())
        .contains("looks managed by Argo CD", "spec.model.version to 3.0.2 in Git");
  }

  @Test
  void undoToAnUnknownVersionIsAClearError() {
    api.with("canary-rolledback.yaml");

    var run = api.run("undo", "iris", "--to-version", "9.9.9");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .isEqualTo(
            "error: no version 9.9.9 in the history of ml/iris: history has 1.0.0 (Promoted), 2.0.0 (RolledBack)\n");
    assertThat(model(api.get("ml", "iris"))).containsEntry("version", "2.0.0");
  }

  @Test
  void candidatesListsCandidatesAndRuns() {
    api.with("retraining-better.yaml").with("healthy.yaml", "other");

    var run = api.run("candidates", "iris");
    var none = api.run("candidates", "iris", "-n", "other");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out())
        .containsPattern("2\\.0\\.0-retrain\\.1 +✓ Better +accuracy 0\\.953 vs 0\\.712 on 240 rows")
        .contains("Drift: drift at Alert on 3 features for 31m", "NoNewData");
    assertThat(none.exitCode()).isZero();
    assertThat(none.out()).contains("other/iris does not retrain: spec.retraining is not set");
  }

  @Test
  void adoptPatchesSpecModelToTheNewestBetterCandidateAndWarnsAboutGitOps() throws Exception {
    api.with("retraining-better.yaml");
    api.patches.clear();

    var run = api.run("adopt", "iris");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out())
        .isEqualTo(
            "ml/iris: spec.model set from 2.0.0 to candidate 2.0.0-retrain.1 (accuracy 0.953 vs 0.712 on 240 rows); it rolls out by strategy Canary like any new version\n");
    assertThat(run.err())
        .startsWith("warning: ")
        .contains("GitOps tool (Argo CD, Flux)", "revert", "--candidate 2.0.0-retrain.1 --print");
    assertThat(JSON.readTree(api.patches.get(0)).get("spec"))
        .isEqualTo(
            JSON.readTree(
                "{\"model\":{\"version\":\"2.0.0-retrain.1\",\"uri\":\"s3://ml/iris/candidates/2.0.0-retrain.1.tar.gz\",\"uriFrom\":null,\"sha256\":\"cc11\"}}"));
    assertThat(model(api.get("ml", "iris")))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "name",
                "iris",
                "version",
                "2.0.0-retrain.1",
                "uri",
                "s3://ml/iris/candidates/2.0.0-retrain.1.tar.gz",
                "sha256",
                "cc11",
                "storage",
                Map.of(
                    "region",
                    "eu-west-1",
                    "pathStyle",
                    true,
                    "secretRef",
                    Map.of("name", "s3-creds"))));
  }

  @Test
  void adoptRefusesWithoutABetterCandidateUnlessOneIsNamed() {
    api.with("retraining-running.yaml");
    api.drainRequests();

    var refused = api.run("adopt", "iris");
    var unknown = api.run("adopt", "iris", "--candidate", "9.9.9");
    var writes = api.writes();
    var named = api.run("adopt", "iris", "--candidate", "1.0.0-retrain.1");

    assertThat(refused.exitCode()).isEqualTo(1);
    assertThat(refused.err())
        .isEqualTo(
            "error: no candidate of ml/iris is Better than the version it was compared with: 1.0.0-retrain.1 (NotBetter); name one with --candidate V to adopt it anyway\n");
    assertThat(unknown.err())
        .isEqualTo(
            "error: no candidate 9.9.9 of ml/iris: candidates are 1.0.0-retrain.1 (NotBetter)\n");
    assertThat(writes).isEmpty();
    assertThat(named.exitCode()).as(named.err()).isZero();
    assertThat(named.err())
        .contains(
            "warning: candidate 1.0.0-retrain.1 is NotBetter (accuracy 0.893 vs 0.889 on 380 rows)");
    assertThat(model(api.get("ml", "iris")))
        .containsEntry("version", "1.0.0-retrain.1")
        .containsEntry("uri", "file:///candidates/iris-1.0.0-retrain.1.tar.gz")
        .containsEntry("sha256", "dd11");
  }

  @Test
  void adoptPrintShowsTheYamlToCommitAndChangesNothing() {
    api.with("retraining-better.yaml");
    api.drainRequests();

    var run = api.run("adopt", "iris", "--print");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out())
        .isEqualTo(
            """
            # ml/iris: candidate 2.0.0-retrain.1 (accuracy 0.953 vs 0.712 on 240 rows); commit this in Git:
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
    assertThat(run.err()).isEmpty();
    assertThat(api.writes()).isEmpty();
  }

  @Test
  void retrainSetsItsAnnotationTokenOnlyWhenRetrainingIsSetAndIdle() throws Exception {
    api.with("retraining-better.yaml")
        .with("healthy.yaml", "other")
        .with("retraining-running.yaml", "busy");
    api.patches.clear();

    var run = api.run("retrain", "iris");
    String token = annotations(api.get("ml", "iris")).get("modelship.io/retrain");
    var absent = api.run("retrain", "iris", "-n", "other");
    var busy = api.run("retrain", "iris", "-n", "busy");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("ml/iris: asking for a retraining run of 2.0.0", token);
    assertThat(api.patches).hasSize(1);
    assertThat(JSON.readTree(api.patches.get(0)))
        .isEqualTo(
            JSON.readTree(
                "{\"metadata\":{\"annotations\":{\"modelship.io/retrain\":\"" + token + "\"}}}"));
    assertThat(absent.exitCode()).isEqualTo(1);
    assertThat(absent.err())
        .isEqualTo(
            "error: other/iris has no spec.retraining: set it (what to train on, where the candidate goes) to retrain\n");
    assertThat(busy.err()).contains("busy/iris is already retraining (Job iris-retrain-2)");
    assertThat(annotations(api.get("busy", "iris"))).doesNotContainKey("modelship.io/retrain");
  }

  @Test
  void statusExitCodesTellHealthyDegradedFailedAndTimeoutApart() {
    api.with("healthy.yaml");
    var healthy = api.run("status", "iris");
    api.close();
    api = new MockApi(dir).with("canary-rolledback.yaml");
    var degraded = api.run("status", "iris");
    api.close();
    api = new MockApi(dir).with("failed.yaml");
    var failed = api.run("status", "iris");
    api.close();
    api = new MockApi(dir).with("canary-paused.yaml");
    var timedOut = api.run("status", "iris", "--timeout", "1500ms");

    assertThat(healthy.exitCode()).isEqualTo(ExitCode.OK.code());
    assertThat(healthy.out()).isEqualTo("ml/iris: Healthy - 2 of 2 pods of 1.0.0 ready\n");
    assertThat(degraded.exitCode()).isEqualTo(ExitCode.DEGRADED.code()).isEqualTo(3);
    assertThat(degraded.out()).contains("Degraded - rolled back 2.0.0 → 1.0.0");
    assertThat(failed.exitCode()).isEqualTo(ExitCode.FAILED.code()).isEqualTo(4);
    assertThat(timedOut.exitCode()).isEqualTo(ExitCode.TIMEOUT.code()).isEqualTo(5);
    assertThat(timedOut.err()).contains("timed out after 1s waiting for ml/iris");
  }

  @Test
  void statusWaitsForTheCurrentGenerationToBecomeHealthy() {
    api.with("healthy.yaml");
    var iris =
        api.client()
            .genericKubernetesResources(Cluster.MODEL_DEPLOYMENTS)
            .inNamespace("ml")
            .withName("iris");
    iris.patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"replicas\":3}}");
    new Thread(
            () -> {
              sleep(Duration.ofMillis(1500));
              iris.patch(
                  PatchContext.of(PatchType.JSON_MERGE), "{\"status\":{\"observedGeneration\":2}}");
            })
        .start();

    var run = api.run("status", "iris", "--timeout", "20s");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out().lines().toList())
        .containsExactly(
            "ml/iris: Healthy (waiting for the operator to observe generation 2) - 2 of 2 pods of 1.0.0 ready",
            "ml/iris: Healthy - 2 of 2 pods of 1.0.0 ready");
  }

  @Test
  void statusRejectsABadTimeout() {
    api.with("healthy.yaml");

    var run = api.run("status", "iris", "--timeout", "soon");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("--timeout soon is not a duration");
  }

  @Test
  void getWatchPrintsTheViewAgainWhenItChanges() throws Exception {
    api.with("canary-paused.yaml");
    var out = new ByteArrayOutputStream();
    var watcher =
        new Thread(
            () ->
                KubectlModelship.run(
                    new String[] {
                      "--kubeconfig", api.kubeconfig.toString(), "get", "iris", "--watch"
                    },
                    new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(new ByteArrayOutputStream())));
    watcher.start();
    try {
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> out.toString(StandardCharsets.UTF_8).contains("Phase:    Paused"));
      api.client()
          .genericKubernetesResources(Cluster.MODEL_DEPLOYMENTS)
          .inNamespace("ml")
          .withName("iris")
          .patch(
              PatchContext.of(PatchType.JSON_MERGE),
              "{\"status\":{\"phase\":\"Progressing\",\"rollout\":{\"stepIndex\":2,\"desiredWeight\":50}}}");

      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> out.toString(StandardCharsets.UTF_8).contains("▶ 3  setWeight 50"));
      assertThat(out.toString(StandardCharsets.UTF_8)).contains("\n--- ");
    } finally {
      watcher.interrupt();
      watcher.join(10_000);
    }
  }

  @Test
  void anUnreachableServerIsAClearError() {
    var run =
        KubectlModelship.run(
            new String[] {"--kubeconfig", dir.resolve("missing").toString(), "list"},
            new PrintStream(new ByteArrayOutputStream()),
            new PrintStream(new ByteArrayOutputStream()));

    assertThat(run).isEqualTo(1);
  }

  static void sleep(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
