package io.modelship.kubectl.argocd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelship.kubectl.view.Samples;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Argo CD health script and resource actions, run by a real Lua 5.1 over samples of every
 * phase.
 */
class ArgoCdLuaTest {

  @TempDir Path work;

  ArgoCdScripts scripts;

  @BeforeEach
  void lua() {
    scripts = new ArgoCdScripts(work);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "healthy.yaml            | Healthy     | 2 of 2 pods of 1.0.0 ready",
        "canary-progressing.yaml | Progressing | step 5 of 6 (setWeight 50): analysis 3 passed, 0 failed",
        "canary-paused.yaml      | Suspended   | paused at step 2 of 4 for 2m",
        "bluegreen-preview.yaml  | Suspended   | preview 3.1.0 ready and passing analysis; waiting for promote",
        "canary-rolledback.yaml  | Degraded    | rolled back 2.0.0 → 1.0.0 at step 3: p99 82 ms > 50 ms (2 of 2 failed)",
        "degraded-unhealthy.yaml | Degraded    | 1 of 2 pods of 1.0.0 ready: container runtime restarted 5 times",
        "failed.yaml             | Degraded    | spec.model.uri: unsupported scheme s3 (use file://, http(s):// or pvc://)",
        "pending.yaml            | Progressing | 0 of 2 pods ready",
        "healthy-stale.yaml      | Progressing | Waiting for the Modelship operator to observe generation 4",
        "no-status.yaml          | Progressing | Waiting for the Modelship operator to observe the resource",
        "retraining-better.yaml  | Healthy     | 2 of 2 pods of 2.0.0 ready; candidate 2.0.0-retrain.1 is Better: accuracy 0.953 vs 0.712 on 240 rows — adopt it in Git",
        "retraining-running.yaml | Healthy     | 2 of 2 pods of 1.0.0 ready"
      })
  void healthFollowsThePhaseOnceTheCurrentGenerationIsObserved(
      String sample, String status, String message) {
    Map<String, Object> health = scripts.health(Samples.resource(sample));

    assertThat(health)
        .containsExactlyInAnyOrderEntriesOf(Map.of("status", status, "message", message));
  }

  @Test
  void anUnknownPhaseIsUnknownNotHealthy() {
    var resource = Samples.resource("healthy.yaml");
    status(resource).put("phase", "Exploded");

    assertThat(scripts.health(resource))
        .containsEntry("status", "Unknown")
        .extractingByKey("message")
        .asString()
        .startsWith("Unknown phase Exploded");
  }

  @Test
  void anAdoptedCandidateIsNoLongerOffered() {
    var resource = Samples.resource("retraining-better.yaml");
    model(resource).put("version", "2.0.0-retrain.1");

    assertThat(scripts.health(resource)).containsEntry("message", "2 of 2 pods of 2.0.0 ready");
    assertThat(disabled(scripts.discovery(resource), "adopt")).isTrue();
  }

  @ParameterizedTest(name = "{0}: retrain={1} adopt={2}")
  @CsvSource({
    "retraining-better.yaml, true, true",
    "retraining-running.yaml, false, false",
    "healthy.yaml, false, false",
    "no-status.yaml, false, false"
  })
  void retrainNeedsRetrainingSetAndIdleAndAdoptABetterCandidate(
      String sample, boolean retrain, boolean adopt) {
    Map<String, Object> actions = scripts.discovery(Samples.resource(sample));

    assertThat(disabled(actions, "retrain")).isEqualTo(!retrain);
    assertThat(disabled(actions, "adopt")).isEqualTo(!adopt);
  }

  @Test
  void adoptWritesTheNewestBetterCandidateIntoSpecModelAndNothingElse() {
    var after = scripts.action("adopt", Samples.resource("retraining-better.yaml"), null);

    var expected = Samples.resource("retraining-better.yaml");
    var model = model(expected);
    model.remove("uriFrom");
    model.put("version", "2.0.0-retrain.1");
    model.put("uri", "s3://ml/iris/candidates/2.0.0-retrain.1.tar.gz");
    model.put("sha256", "cc11");
    assertThat(sameTree(after, expected)).as("%s", after).isTrue();
  }

  @Test
  void adoptWithoutABetterCandidateFailsWithAReason() {
    assertThatThrownBy(
            () -> scripts.action("adopt", Samples.resource("retraining-running.yaml"), null))
        .hasMessageContaining("no Better retraining candidate");
  }

  @ParameterizedTest(name = "{0}: promote={1} abort={2} retry={3}")
  @CsvSource({
    "canary-progressing.yaml, true, true, false",
    "canary-paused.yaml, true, true, false",
    "bluegreen-preview.yaml, true, true, false",
    "canary-rolledback.yaml, false, false, true",
    "healthy.yaml, false, false, false",
    "healthy-stale.yaml, false, false, false",
    "pending.yaml, false, false, false",
    "failed.yaml, false, false, false",
    "degraded-unhealthy.yaml, false, false, false",
    "no-status.yaml, false, false, false"
  })
  void discoveryOffersOnlyTheActionsThatApply(
      String sample, boolean promote, boolean abort, boolean retry) {
    Map<String, Object> actions = scripts.discovery(Samples.resource(sample));

    assertThat(actions).containsOnlyKeys(ArgoCdScripts.ACTIONS);
    assertThat(disabled(actions, "promote")).isEqualTo(!promote);
    assertThat(disabled(actions, "promote-full")).isEqualTo(!promote);
    assertThat(disabled(actions, "abort")).isEqualTo(!abort);
    assertThat(disabled(actions, "retry")).isEqualTo(!retry);
  }

  @ParameterizedTest
  @ValueSource(strings = {"promote", "promote-full", "abort", "retry", "retrain"})
  void eachActionSetsItsAnnotationTokenAndNothingElse(String action) {
    var before = Samples.resource("bluegreen-preview.yaml");

    var after = scripts.action(action, before, null);

    var expected = Samples.resource("bluegreen-preview.yaml");
    String token = annotations(after).get("modelship.io/" + action).toString();
    annotations(expected).put("modelship.io/" + action, token);
    assertThat(token).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
    assertThat(sameTree(after, expected))
        .as("unchanged apart from the annotation:%n%s", after)
        .isTrue();
  }

  /** Equal JSON trees; Lua has one number type, so 0.0 coming back as 0 is the same value. */
  static boolean sameTree(Map<String, Object> actual, Map<String, Object> expected) {
    JsonNode actualTree = ArgoCdScripts.JSON.valueToTree(actual);
    JsonNode expectedTree = ArgoCdScripts.JSON.valueToTree(expected);
    Comparator<JsonNode> sameValue =
        (a, b) ->
            a.isNumber() && b.isNumber()
                ? Double.compare(a.doubleValue(), b.doubleValue())
                : a.equals(b) ? 0 : 1;
    return actualTree.equals(sameValue, expectedTree);
  }

  @Test
  void anActionOnAResourceWithoutAnnotationsCreatesThem() {
    var after =
        scripts.action(
            "promote", Samples.resource("canary-progressing.yaml"), "2026-12-01T12:00:00Z");

    assertThat(annotations(after))
        .containsExactly(Map.entry("modelship.io/promote", "2026-12-01T12:00:00Z"));
  }

  @Test
  void aSecondActionInTheSameSecondIsStillANewToken() {
    var resource = Samples.resource("canary-progressing.yaml");
    String now = "2026-12-01T12:00:00Z";

    var first = scripts.action("abort", resource, now);
    var second = scripts.action("abort", first, now);
    var third = scripts.action("abort", second, now);
    var later = scripts.action("abort", third, "2026-12-01T12:00:01Z");

    assertThat(annotations(first).get("modelship.io/abort")).isEqualTo(now);
    assertThat(annotations(second).get("modelship.io/abort")).isEqualTo(now + ".2");
    assertThat(annotations(third).get("modelship.io/abort")).isEqualTo(now + ".3");
    assertThat(annotations(later).get("modelship.io/abort")).isEqualTo("2026-12-01T12:00:01Z");
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> model(Map<String, Object> resource) {
    return (Map<String, Object>) ((Map<String, Object>) resource.get("spec")).get("model");
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> status(Map<String, Object> resource) {
    return (Map<String, Object>) resource.get("status");
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> annotations(Map<String, Object> resource) {
    var meta = (Map<String, Object>) resource.get("metadata");
    var annotations = (Map<String, Object>) meta.get("annotations");
    if (annotations == null) {
      annotations = new LinkedHashMap<>();
      meta.put("annotations", annotations);
    }
    return annotations;
  }

  @SuppressWarnings("unchecked")
  static boolean disabled(Map<String, Object> actions, String action) {
    return Boolean.TRUE.equals(((Map<String, Object>) actions.get(action)).get("disabled"));
  }
}
