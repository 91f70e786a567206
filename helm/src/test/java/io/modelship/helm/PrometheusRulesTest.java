package io.modelship.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.fabric8.openshift.api.model.monitoring.v1.Rule;
import io.modelship.api.testing.Promtool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The chart's alerts as Prometheus runs them: the rendered PrometheusRule's groups written to a
 * rules file, checked and unit-tested by {@code promtool}
 * (src/test/resources/promtool/alerts-test.yaml: each alert fires on a series that should fire it,
 * and stays silent at its threshold and below its minimum of samples).
 */
class PrometheusRulesTest {

  static final Path DOCS = Path.of(System.getProperty("docs.dir", "../docs"));
  static final Set<String> ALERTS =
      Set.of(
          "ModelshipDriftDetected",
          "ModelshipAccuracyDrop",
          "ModelshipHighErrorRate",
          "ModelshipHighLatencyP99",
          "ModelshipServingPodsNotReady",
          "ModelshipRolloutDegraded",
          "ModelshipRolloutAborted",
          "ModelshipOperatorReconcileErrors",
          "ModelshipOperatorDown",
          "ModelshipRetrainingFailed",
          "ModelshipRetrainingCandidateWaiting");

  static PrometheusRule rule(Map<String, Object> set) {
    var values = new java.util.HashMap<String, Object>(set);
    values.put("prometheus.rules.enabled", "true");
    return Chart.one(Chart.render(values), PrometheusRule.class);
  }

  /** The rule's groups as a Prometheus rules file in target/promtool, beside the unit tests. */
  static Path rulesFile(PrometheusRule rule) throws IOException {
    Path dir = Path.of("target", "promtool");
    Files.createDirectories(dir);
    Path rules = dir.resolve("rules.yaml");
    Files.writeString(rules, Serialization.asYaml(Map.of("groups", rule.getSpec().getGroups())));
    return rules;
  }

  static List<Rule> alerts(PrometheusRule rule) {
    return rule.getSpec().getGroups().stream()
        .flatMap(g -> g.getRules().stream())
        .filter(r -> r.getAlert() != null)
        .toList();
  }

  @Test
  void offByDefault() {
    assertThat(Chart.ofKind(Chart.render(Map.of()), PrometheusRule.class)).isEmpty();
  }

  @Test
  void everyAlertPromisedIsThereWithSummaryDescriptionAndARunbookSectionThatExists()
      throws IOException {
    PrometheusRule rule = rule(Map.of());
    assertThat(alerts(rule)).extracting(Rule::getAlert).containsExactlyInAnyOrderElementsOf(ALERTS);
    String runbooks = Files.readString(DOCS.resolve("alerts.md"));
    Set<String> anchors =
        Pattern.compile("(?m)^## (\\S+)$")
            .matcher(runbooks)
            .results()
            .map(m -> m.group(1).toLowerCase(java.util.Locale.ROOT))
            .collect(Collectors.toSet());
    for (Rule alert : alerts(rule)) {
      assertThat(alert.getAnnotations())
          .as(alert.getAlert())
          .containsKeys("summary", "description", "runbook_url");
      assertThat(alert.getAnnotations().get("runbook_url"))
          .isEqualTo(
              "https://github.com/modelship/modelship/blob/main/docs/alerts.md#"
                  + alert.getAlert().toLowerCase());
      assertThat(anchors)
          .as("runbook section for %s in docs/alerts.md", alert.getAlert())
          .contains(alert.getAlert().toLowerCase());
      assertThat(alert.getLabels()).containsKey("severity");
    }
  }

  @Test
  void promtoolAcceptsTheRules() throws IOException {
    Path rules = rulesFile(rule(Map.of()));
    var check =
        Promtool.run(rules.getParent(), null, "check", "rules", rules.getFileName().toString());
    assertThat(check.ok()).as(check.output()).isTrue();
  }

  @Test
  void everyAlertFiresWhenItShouldAndStaysSilentAtItsThresholdAndBelowMinSamples()
      throws IOException {
    Path rules = rulesFile(rule(Map.of()));
    Path tests = rules.getParent().resolve("alerts-test.yaml");
    try (var in = getClass().getResourceAsStream("/promtool/alerts-test.yaml")) {
      Files.write(tests, in.readAllBytes());
    }
    // Every alert has at least one test case in the file.
    String cases = Files.readString(tests);
    for (String alert : ALERTS) {
      assertThat(cases).as("a promtool test of %s", alert).contains("alertname: " + alert);
    }
    var test =
        Promtool.run(rules.getParent(), null, "test", "rules", tests.getFileName().toString());
    assertThat(test.ok()).as(test.output()).isTrue();
  }

  /**
   * Renders with {@code yaml} as a values file (typed: --set would make 0.4 and "true" what Helm
   * guesses).
   */
  static String template(String yaml) throws IOException {
    Path values =
        Files.createTempFile(
            Files.createDirectories(Path.of("target", "values")), "values", ".yaml");
    Files.writeString(values, yaml);
    return Chart.template(values, Map.of());
  }

  @Test
  void thresholdsAndDurationsAreValues() throws IOException {
    PrometheusRule rule =
        Chart.one(
            Chart.objects(
                template(
                    """
        prometheus:
          rules:
            enabled: true
            operatorJob: my-operator
            labels: {release: kube-prometheus-stack}
            alerts:
              drift: {threshold: 0.4, minSamples: 300, for: 1h, severity: warning}
        """)),
            PrometheusRule.class);
    Rule drift =
        alerts(rule).stream()
            .filter(r -> r.getAlert().equals("ModelshipDriftDetected"))
            .findFirst()
            .orElseThrow();
    assertThat(drift.getExpr().getStrVal()).contains("modelship_drift_score > 0.4");
    assertThat(drift.getFor()).isEqualTo("1h");
    Rule down =
        alerts(rule).stream()
            .filter(r -> r.getAlert().equals("ModelshipOperatorDown"))
            .findFirst()
            .orElseThrow();
    assertThat(down.getExpr().getStrVal()).contains("job=\"my-operator\"");
    assertThat(rule.getMetadata().getLabels()).containsEntry("release", "kube-prometheus-stack");
  }

  @Test
  void scrapingTheOperatorBothWaysAtOnceFailsWithAClearMessage() {
    assertThatThrownBy(
            () ->
                Chart.render(
                    Map.of(
                        "monitoring.serviceMonitor.enabled",
                        "true",
                        "monitoring.scrapeAnnotations",
                        "true")))
        .hasMessageContaining("monitoring.serviceMonitor.enabled")
        .hasMessageContaining("scrape the operator twice");
    assertThatThrownBy(
            () ->
                template(
                    """
        monitoring: {serviceMonitor: {enabled: true}}
        podAnnotations: {prometheus.io/scrape: "true"}
        """))
        .hasMessageContaining("scrape the operator twice");
    // Either way alone renders.
    assertThat(Chart.render(Map.of("monitoring.scrapeAnnotations", "true"))).isNotEmpty();
    assertThat(Chart.render(Map.of("monitoring.serviceMonitor.enabled", "true"))).isNotEmpty();
  }
}
