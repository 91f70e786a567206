package io.modelship.kubectl.view;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.modelship.kubectl.view.ModelDeploymentView.HistoryEntry;
import io.modelship.kubectl.view.ModelDeploymentView.Measurement;
import io.modelship.kubectl.view.ModelDeploymentView.Rollout;
import io.modelship.kubectl.view.ModelDeploymentView.Step;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What {@code kubectl modelship dashboard} shows, as a JSON-ready tree: every ModelDeployment with
 * its versions side by side, the rollout's steps, the traffic split, the analysis measurements and
 * the history. A pure function of the resources, their Deployments, the pods' RuntimeReports and
 * the time, like {@link DetailView}; the page only lays it out.
 *
 * <p>Per version: the stable version's accuracy and drift come from the status (the operator's
 * aggregate over all its pods); the new version's from the latest analysis measurements; request
 * and error counts, p99 (the slowest pod's recent window) and live accuracy from the pods' reports
 * of that version, so both sides of a canary can be read in one row.
 */
public final class FleetSnapshot {

  private FleetSnapshot() {}

  public static Map<String, Object> of(
      List<Map<String, Object>> resources,
      List<Deployment> deployments,
      List<Map<String, Object>> reports,
      Instant now) {
    var items = new ArrayList<Map<String, Object>>();
    resources.stream()
        .map(r -> Map.entry(r, ModelDeploymentView.from(r)))
        .sorted(
            Comparator.comparing(
                    (Map.Entry<Map<String, Object>, ModelDeploymentView> e) ->
                        Objects.requireNonNullElse(e.getValue().namespace(), ""))
                .thenComparing(e -> Objects.requireNonNullElse(e.getValue().name(), "")))
        .forEach(e -> items.add(item(e.getKey(), e.getValue(), deployments, reports, now)));
    var out = new LinkedHashMap<String, Object>();
    out.put("time", now.toString());
    out.put("items", items);
    return out;
  }

  private static Map<String, Object> item(
      Map<String, Object> resource,
      ModelDeploymentView md,
      List<Deployment> deployments,
      List<Map<String, Object>> reports,
      Instant now) {
    Fields status = Fields.of(resource).get("status");
    var out = new LinkedHashMap<String, Object>();
    out.put("namespace", md.namespace());
    out.put("name", md.name());
    out.put("model", md.modelName());
    out.put("specVersion", md.specVersion());
    out.put("strategy", md.strategy());
    out.put("phase", md.phase().text());
    out.put("observedCurrent", md.observedCurrent());
    out.put("message", md.headline());
    out.put("stableVersion", md.stableVersion());
    out.put(
        "newVersion",
        md.rolloutInProgress() || md.retryable()
            ? Objects.requireNonNullElse(md.newVersion(), md.specVersion())
            : null);
    out.put("rolloutInProgress", md.rolloutInProgress());
    out.put("url", md.url());
    out.put("age", md.created() == null ? null : Format.age(md.created(), now));
    out.put("traffic", traffic(md));
    out.put(
        "versions", versions(md, status, ownDeployments(md, deployments), ownReports(md, reports)));
    out.put("steps", steps(md));
    out.put("analysis", analysis(md));
    out.put("drift", drift(md));
    out.put("history", history(md));
    out.put("retraining", retraining(md));
    out.put(
        "conditions",
        md.conditions().stream()
            .map(
                c -> {
                  var m = new LinkedHashMap<String, Object>();
                  m.put("type", c.type());
                  m.put("status", c.status());
                  m.put("reason", c.reason());
                  m.put("message", c.message());
                  return m;
                })
            .toList());
    return out;
  }

  /**
   * One line on retraining, or null without any: a run under way, then the Better candidate to
   * adopt (else the newest candidate).
   */
  static String retraining(ModelDeploymentView md) {
    Retraining retraining = md.retraining();
    var parts = new ArrayList<String>();
    if (retraining.running() != null) {
      parts.add("retraining now (Job " + retraining.running().job() + ")");
    }
    Retraining.Candidate better = retraining.newestBetter();
    if (better != null && !better.version().equals(md.specVersion())) {
      parts.add(
          "candidate "
              + better.version()
              + " is Better: "
              + better.comparison()
              + " — adopt it in Git (kubectl modelship adopt "
              + md.name()
              + (md.namespace() == null ? "" : " -n " + md.namespace())
              + " --print)");
    } else if (!retraining.candidates().isEmpty()) {
      Retraining.Candidate newest = retraining.candidates().get(0);
      parts.add(
          "latest candidate "
              + newest.version()
              + " "
              + Objects.requireNonNullElse(newest.verdict(), "(no verdict)")
              + ": "
              + newest.comparison());
    }
    return parts.isEmpty() ? null : String.join("; ", parts);
  }

  /** Percent of traffic per version: the new version's weight is the actual one when known. */
  private static Map<String, Object> traffic(ModelDeploymentView md) {
    var out = new LinkedHashMap<String, Object>();
    Rollout r = md.rollout();
    boolean canary = ModelDeploymentView.CANARY.equals(md.strategy()) && md.rolloutInProgress();
    Integer desired = canary ? md.desiredWeight() : null;
    Integer actual = canary && r != null ? r.actualWeight() : null;
    out.put("desired", desired);
    out.put("actual", actual);
    out.put("mirrorPercent", r == null || !md.rolloutInProgress() ? null : r.mirrorPercent());
    out.put(
        "headerRoute",
        r == null || r.headerRoute() == null || !md.rolloutInProgress()
            ? null
            : r.headerRoute().name() + ": " + r.headerRoute().value());
    return out;
  }

  private static List<Map<String, Object>> versions(
      ModelDeploymentView md, Fields status, List<Deployment> deployments, List<Fields> reports) {
    Map<String, Map<String, Object>> byVersion = new LinkedHashMap<>();
    if (md.stableVersion() != null) {
      byVersion.put(md.stableVersion(), version(md.stableVersion()));
    }
    String newVersion = md.rolloutInProgress() || md.retryable() ? md.newVersion() : null;
    if (newVersion != null) {
      byVersion.put(newVersion, version(newVersion));
    }
    for (VersionReplicas v : VersionReplicas.of(deployments)) {
      var row = byVersion.computeIfAbsent(v.version(), FleetSnapshot::version);
      row.put("desiredReplicas", v.desired());
      row.put("readyReplicas", v.ready());
    }
    Map<String, List<Fields>> reportsByVersion = new TreeMap<>();
    for (Fields report : reports) {
      String version = report.get("spec").get("version").string();
      if (version != null) {
        reportsByVersion.computeIfAbsent(version, k -> new ArrayList<>()).add(report.get("spec"));
      }
    }
    reportsByVersion.forEach(
        (version, specs) ->
            fromReports(byVersion.computeIfAbsent(version, FleetSnapshot::version), specs));
    Integer weight =
        md.rollout() != null && md.rollout().actualWeight() != null
            ? md.rollout().actualWeight()
            : md.desiredWeight();
    boolean canary = ModelDeploymentView.CANARY.equals(md.strategy()) && md.rolloutInProgress();
    for (var e : byVersion.entrySet()) {
      String role = DetailView.role(md, e.getKey());
      var row = e.getValue();
      row.put("role", role);
      if (canary && weight != null) {
        row.put(
            "weight",
            e.getKey().equals(newVersion)
                ? weight
                : e.getKey().equals(md.stableVersion()) ? 100 - weight : 0);
      } else {
        row.put("weight", e.getKey().equals(md.stableVersion()) ? 100 : 0);
      }
      if (e.getKey().equals(md.stableVersion())) {
        Fields accuracy = status.get("accuracy");
        if (accuracy.get("current").present()) {
          row.put("accuracy", accuracy.get("current").number());
          row.put("accuracySource", "status");
        }
        if (md.drift() != null && md.drift().score() != null) {
          row.put("drift", md.drift().score());
          row.put("driftStatus", md.drift().status());
        }
      } else if (e.getKey().equals(newVersion)) {
        Map<String, Measurement> latest = latestMeasurements(md);
        Measurement drift = latest.get("driftScore");
        if (drift != null && drift.value() != null) {
          row.put("drift", drift.value());
          row.put("driftSource", "analysis");
        }
        Measurement drop = latest.get("accuracyDrop");
        if (drop != null && drop.value() != null) {
          row.put("accuracyDrop", drop.value());
        }
        Measurement errorRate = latest.get("errorRate");
        if (errorRate != null && errorRate.value() != null) {
          row.put("analysisErrorRate", errorRate.value());
        }
        Measurement p99 = latest.get("latencyP99Ms");
        if (p99 != null && p99.value() != null) {
          row.put("analysisP99Ms", p99.value());
        }
      }
    }
    return List.copyOf(byVersion.values());
  }

  private static Map<String, Object> version(String version) {
    var row = new LinkedHashMap<String, Object>();
    row.put("version", version);
    return row;
  }

  /** Sums of the pods' counters since their start; p99 is the slowest pod's recent window. */
  private static void fromReports(Map<String, Object> row, List<Fields> specs) {
    long requests = 0;
    long errors = 0;
    long labelled = 0;
    long correct = 0;
    int ready = 0;
    Double p99 = null;
    String drift = null;
    for (Fields spec : specs) {
      requests += Objects.requireNonNullElse(spec.get("requestCount").longValue(), 0L);
      errors += Objects.requireNonNullElse(spec.get("errorCount").longValue(), 0L);
      labelled += Objects.requireNonNullElse(spec.get("accuracyLabelled").longValue(), 0L);
      correct += Objects.requireNonNullElse(spec.get("accuracyCorrect").longValue(), 0L);
      if (Boolean.TRUE.toString().equals(spec.get("ready").string())) {
        ready++;
      }
      Double podP99 = spec.get("latencyP99Ms").number();
      if (podP99 != null && (p99 == null || podP99 > p99)) {
        p99 = podP99;
      }
      drift = worse(drift, spec.get("driftStatus").string());
    }
    row.put("pods", specs.size());
    row.put("readyPods", ready);
    row.put("requests", requests);
    row.put("errors", errors);
    row.put("errorRate", requests == 0 ? null : (double) errors / requests);
    row.put("p99Ms", p99);
    if (labelled > 0 && !row.containsKey("accuracy")) {
      row.put("accuracy", (double) correct / labelled);
      row.put("accuracySource", "reports");
    }
    row.put("podDriftStatus", drift);
  }

  private static final List<String> LEVELS =
      List.of("InsufficientData", "Normal", "Warning", "Alert");

  private static String worse(String a, String b) {
    if (a == null) {
      return b;
    }
    return b == null || LEVELS.indexOf(b) <= LEVELS.indexOf(a) ? a : b;
  }

  private static List<Map<String, Object>> steps(ModelDeploymentView md) {
    boolean active = md.rolloutInProgress() || md.retryable();
    Integer current = active ? md.stepIndex() : null;
    var out = new ArrayList<Map<String, Object>>();
    for (int i = 0; i < md.steps().size(); i++) {
      Step step = md.steps().get(i);
      var m = new LinkedHashMap<String, Object>();
      m.put("number", i + 1);
      m.put("text", step.text());
      m.put("weight", step.weight());
      String state = "pending";
      if (current != null && i < current) {
        state = "done";
      } else if (current != null && i == current) {
        state = md.phase() == Phase.DEGRADED ? "failed" : "current";
      } else if (!active
          && md.phase() == Phase.HEALTHY
          && md.stableVersion() != null
          && md.stableVersion().equals(md.specVersion())) {
        state = "done";
      }
      m.put("state", state);
      out.add(m);
    }
    return out;
  }

  private static Map<String, Object> analysis(ModelDeploymentView md) {
    var a = md.rollout() == null ? null : md.rollout().analysis();
    if (a == null) {
      return null;
    }
    var out = new LinkedHashMap<String, Object>();
    out.put("passed", a.passed());
    out.put("failed", a.failed());
    out.put("inconclusive", a.inconclusive());
    out.put("lastJudgedAt", a.lastJudgedAt() == null ? null : a.lastJudgedAt().toString());
    out.put(
        "measurements",
        a.measurements().stream()
            .sorted(Comparator.comparing(m -> m.time() == null ? Instant.EPOCH : m.time()))
            .map(
                m -> {
                  var row = new LinkedHashMap<String, Object>();
                  row.put("metric", m.metric());
                  row.put("value", m.value());
                  row.put("threshold", m.threshold());
                  row.put("verdict", m.verdict());
                  row.put("samples", m.samples());
                  row.put("window", m.window());
                  row.put("time", m.time() == null ? null : m.time().toString());
                  return row;
                })
            .toList());
    return out;
  }

  private static Map<String, Measurement> latestMeasurements(ModelDeploymentView md) {
    var latest = new LinkedHashMap<String, Measurement>();
    var a = md.rollout() == null ? null : md.rollout().analysis();
    if (a != null) {
      a.measurements().stream()
          .filter(m -> m.metric() != null)
          .sorted(Comparator.comparing(m -> m.time() == null ? Instant.EPOCH : m.time()))
          .forEach(m -> latest.put(m.metric(), m));
    }
    return latest;
  }

  private static Map<String, Object> drift(ModelDeploymentView md) {
    if (md.drift() == null) {
      return null;
    }
    var out = new LinkedHashMap<String, Object>();
    out.put("status", md.drift().status());
    out.put("score", md.drift().score());
    out.put("warning", md.driftWarning());
    out.put("threshold", md.driftThreshold());
    out.put("features", md.drift().features());
    out.put("prediction", md.drift().prediction());
    out.put("samples", md.drift().samples());
    return out;
  }

  private static List<Map<String, Object>> history(ModelDeploymentView md) {
    var out = new ArrayList<Map<String, Object>>();
    for (HistoryEntry h : md.history()) {
      var m = new LinkedHashMap<String, Object>();
      m.put("version", h.version());
      m.put("outcome", h.outcome());
      m.put("time", h.time() == null ? null : h.time().toString());
      m.put("message", h.message());
      out.add(m);
    }
    return out;
  }

  private static List<Deployment> ownDeployments(
      ModelDeploymentView md, List<Deployment> deployments) {
    return deployments.stream()
        .filter(
            d ->
                d.getMetadata() != null
                    && Objects.equals(d.getMetadata().getNamespace(), md.namespace())
                    && d.getMetadata().getLabels() != null
                    && md.name() != null
                    && md.name()
                        .equals(d.getMetadata().getLabels().get(VersionReplicas.DEPLOYMENT_LABEL)))
        .toList();
  }

  private static List<Fields> ownReports(
      ModelDeploymentView md, List<Map<String, Object>> reports) {
    return reports.stream()
        .map(Fields::of)
        .filter(
            r ->
                Objects.equals(r.get("metadata").get("namespace").string(), md.namespace())
                    && md.name() != null
                    && md.name()
                        .equals(
                            r.get("metadata")
                                .get("labels")
                                .get(VersionReplicas.DEPLOYMENT_LABEL)
                                .string()))
        .toList();
  }
}
