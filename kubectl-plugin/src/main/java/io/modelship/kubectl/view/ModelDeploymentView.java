package io.modelship.kubectl.view;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the plugin knows about one ModelDeployment, read leniently from its JSON (spec, status,
 * status.rollout): every field may be missing, so an operator without progressive delivery, or one
 * that has not written status yet, still renders.
 */
public record ModelDeploymentView(
    String namespace,
    String name,
    Long generation,
    Instant created,
    Map<String, String> annotations,
    Map<String, String> labels,
    String modelName,
    String specVersion,
    String specUri,
    String strategy,
    List<Step> steps,
    Integer autoPromotionSeconds,
    Integer scaleDownDelaySeconds,
    Double driftWarning,
    Double driftThreshold,
    Long observedGeneration,
    Phase phase,
    String stableVersion,
    String canaryVersion,
    Integer canaryWeight,
    Integer currentStep,
    Integer replicas,
    Integer readyReplicas,
    String url,
    Drift drift,
    List<Condition> conditions,
    List<HistoryEntry> history,
    Rollout rollout,
    Retraining retraining) {

  public static final String CANARY = "Canary";
  public static final String BLUE_GREEN = "BlueGreen";
  public static final String ROLLING_UPDATE = "RollingUpdate";

  /** One canary step from spec.rollout.canary.steps. */
  public record Step(String text, Integer weight, boolean pause, Duration pauseDuration) {

    static Step parse(Fields step) {
      if (step.get("setWeight").present()) {
        Integer weight = step.get("setWeight").integer();
        return new Step("setWeight " + weight, weight, false, null);
      }
      if (step.get("pause").present()) {
        String raw = step.get("pause").get("duration").string();
        Duration duration = GoDuration.parse(raw);
        String text = raw == null ? "pause (until promoted)" : "pause " + raw;
        return new Step(text, null, true, duration);
      }
      if (step.get("setMirror").present()) {
        return new Step(
            "setMirror " + step.get("setMirror").get("percent").integer() + "%", null, false, null);
      }
      if (step.get("setHeaderRoute").present()) {
        Fields route = step.get("setHeaderRoute");
        return new Step(
            "setHeaderRoute " + route.get("name").string() + ": " + route.get("value").string(),
            null,
            false,
            null);
      }
      return new Step(
          step.entries().stream().map(Map.Entry::getKey).findFirst().orElse("(empty step)"),
          null,
          false,
          null);
    }
  }

  public record Condition(
      String type, String status, String reason, String message, Instant lastTransitionTime) {}

  /**
   * A past version: its package at {@code uri}, or at the URI kept in a Secret ({@code uriFrom},
   * when the spec used {@code spec.model.uriFrom}).
   */
  public record HistoryEntry(
      String version,
      String uri,
      UriFrom uriFrom,
      String sha256,
      String outcome,
      Instant time,
      String message) {

    /** Where the package was, as a person reads it: the URI, or the Secret key holding it. */
    public String source() {
      return uri != null
          ? uri
          : uriFrom == null ? null : "secretKeyRef " + uriFrom.secret() + "/" + uriFrom.key();
    }
  }

  /** {@code spec.model.uriFrom.secretKeyRef}: a Secret's name and key. */
  public record UriFrom(String secret, String key) {}

  public record Drift(
      String method,
      Double score,
      String status,
      Map<String, Double> features,
      Double prediction,
      Long samples) {}

  public record Measurement(
      String metric,
      Double value,
      Double threshold,
      String verdict,
      Long samples,
      String window,
      Instant time) {}

  public record Analysis(
      Integer passed,
      Integer failed,
      Integer inconclusive,
      Instant lastJudgedAt,
      List<Measurement> measurements) {}

  public record HeaderRoute(String name, String value) {}

  public record Rollout(
      String strategy,
      String version,
      Integer stepIndex,
      Instant stepStartedAt,
      Instant pauseStartedAt,
      Integer desiredWeight,
      Integer actualWeight,
      Integer mirrorPercent,
      HeaderRoute headerRoute,
      String activeVersion,
      String previewVersion,
      String abortReason,
      Analysis analysis) {}

  /**
   * Reads the view from a resource as a JSON tree (e.g. GenericKubernetesResource's properties).
   */
  public static ModelDeploymentView from(Map<String, Object> resource) {
    Fields root = Fields.of(resource);
    Fields meta = root.get("metadata");
    Fields spec = root.get("spec");
    Fields status = root.get("status");
    Fields rolloutSpec = spec.get("rollout");
    Fields driftSpec = spec.get("monitoring").get("drift");
    String name = meta.get("name").string();
    String modelName = spec.get("model").get("name").string();
    return new ModelDeploymentView(
        meta.get("namespace").string(),
        name,
        meta.get("generation").longValue(),
        meta.get("creationTimestamp").instant(),
        stringMap(meta.get("annotations")),
        stringMap(meta.get("labels")),
        modelName == null ? name : modelName,
        spec.get("model").get("version").string(),
        spec.get("model").get("uri").string(),
        Objects.requireNonNullElse(rolloutSpec.get("strategy").string(), ROLLING_UPDATE),
        rolloutSpec.get("canary").get("steps").list().stream().map(Step::parse).toList(),
        rolloutSpec.get("blueGreen").get("autoPromotionSeconds").integer(),
        rolloutSpec.get("blueGreen").get("scaleDownDelaySeconds").integer(),
        driftSpec.get("warning").number(),
        driftSpec.get("threshold").number(),
        status.get("observedGeneration").longValue(),
        Phase.parse(status.get("phase").string()),
        status.get("stableVersion").string(),
        status.get("canaryVersion").string(),
        status.get("canaryWeight").integer(),
        status.get("currentStep").integer(),
        status.get("replicas").integer(),
        status.get("readyReplicas").integer(),
        status.get("url").string(),
        drift(status.get("drift")),
        status.get("conditions").list().stream()
            .map(
                c ->
                    new Condition(
                        c.get("type").string(),
                        c.get("status").string(),
                        c.get("reason").string(),
                        c.get("message").string(),
                        c.get("lastTransitionTime").instant()))
            .toList(),
        status.get("history").list().stream()
            .map(
                h ->
                    new HistoryEntry(
                        h.get("version").string(),
                        h.get("uri").string(),
                        h.get("uriFrom").get("secretKeyRef").present()
                            ? new UriFrom(
                                h.get("uriFrom").get("secretKeyRef").get("name").string(),
                                h.get("uriFrom").get("secretKeyRef").get("key").string())
                            : null,
                        h.get("sha256").string(),
                        h.get("outcome").string(),
                        h.get("time").instant(),
                        h.get("message").string()))
            .toList(),
        rollout(status.get("rollout")),
        Retraining.from(spec, status.get("retraining")));
  }

  private static Drift drift(Fields drift) {
    if (!drift.present()) {
      return null;
    }
    var features = new LinkedHashMap<String, Double>();
    drift.get("features").entries().forEach(e -> features.put(e.getKey(), e.getValue().number()));
    return new Drift(
        drift.get("method").string(),
        drift.get("score").number(),
        drift.get("status").string(),
        features,
        drift.get("prediction").number(),
        drift.get("samples").longValue());
  }

  private static Rollout rollout(Fields r) {
    if (!r.present()) {
      return null;
    }
    Fields a = r.get("analysis");
    Analysis analysis =
        a.present()
            ? new Analysis(
                a.get("passed").integer(),
                a.get("failed").integer(),
                a.get("inconclusive").integer(),
                a.get("lastJudgedAt").instant(),
                a.get("measurements").list().stream()
                    .map(
                        m ->
                            new Measurement(
                                m.get("metric").string(),
                                m.get("value").number(),
                                m.get("threshold").number(),
                                m.get("verdict").string(),
                                m.get("samples").longValue(),
                                m.get("window").string(),
                                m.get("time").instant()))
                    .toList())
            : null;
    Fields route = r.get("headerRoute");
    return new Rollout(
        r.get("strategy").string(),
        r.get("version").string(),
        r.get("stepIndex").integer(),
        r.get("stepStartedAt").instant(),
        r.get("pauseStartedAt").instant(),
        r.get("desiredWeight").integer(),
        r.get("actualWeight").integer(),
        r.get("mirrorPercent").integer(),
        route.present()
            ? new HeaderRoute(route.get("name").string(), route.get("value").string())
            : null,
        r.get("activeVersion").string(),
        r.get("previewVersion").string(),
        r.get("abortReason").string(),
        analysis);
  }

  private static Map<String, String> stringMap(Fields object) {
    var map = new LinkedHashMap<String, String>();
    object.entries().forEach(e -> map.put(e.getKey(), e.getValue().string()));
    return map;
  }

  /** "ml/iris". */
  public String ref() {
    return namespace == null ? name : namespace + "/" + name;
  }

  /** True once the operator has written status for the current spec generation. */
  public boolean observedCurrent() {
    return observedGeneration != null && (generation == null || observedGeneration >= generation);
  }

  /**
   * The version a rollout is (or was last) about: status.rollout.version, else
   * status.canaryVersion.
   */
  public String newVersion() {
    if (rollout != null && rollout.version() != null) {
      return rollout.version();
    }
    return canaryVersion;
  }

  /**
   * A Canary or BlueGreen rollout is under way: promote, promote-full and abort apply. The Argo CD
   * action discovery (argocd/…/actions/discovery.lua) applies the same rule; keep them together.
   */
  public boolean rolloutInProgress() {
    boolean progressive = CANARY.equals(strategy) || BLUE_GREEN.equals(strategy);
    String version = newVersion();
    return progressive
        && (phase == Phase.PROGRESSING || phase == Phase.PAUSED)
        && version != null
        && !version.equals(stableVersion);
  }

  /** A rollout was rolled back or aborted and the resource stays Degraded on it: retry applies. */
  public boolean retryable() {
    if (phase != Phase.DEGRADED) {
      return false;
    }
    boolean aborted = rollout != null && rollout.abortReason() != null;
    boolean offStable =
        stableVersion != null && specVersion != null && !specVersion.equals(stableVersion);
    return aborted || offStable;
  }

  /** The step the rollout is on: status.rollout.stepIndex, else status.currentStep. */
  public Integer stepIndex() {
    if (rollout != null && rollout.stepIndex() != null) {
      return rollout.stepIndex();
    }
    return currentStep;
  }

  public Integer desiredWeight() {
    if (rollout != null && rollout.desiredWeight() != null) {
      return rollout.desiredWeight();
    }
    return canaryWeight;
  }

  public Condition condition(String type) {
    return conditions.stream().filter(c -> type.equals(c.type())).findFirst().orElse(null);
  }

  /**
   * The most telling one-line message: a rollback's reason, else the Progressing or Ready
   * condition's.
   */
  public String headline() {
    if (rollout != null && rollout.abortReason() != null && phase == Phase.DEGRADED) {
      return rollout.abortReason();
    }
    for (String type : List.of(phase == Phase.HEALTHY ? "Ready" : "Progressing", "Ready")) {
      Condition c = condition(type);
      if (c != null && c.message() != null && !c.message().isBlank()) {
        return c.message();
      }
    }
    return null;
  }
}
