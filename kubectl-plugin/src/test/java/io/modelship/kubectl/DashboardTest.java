package io.modelship.kubectl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.modelship.api.testing.HeadlessChromium;
import io.modelship.kubectl.view.Samples;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kubectl modelship dashboard} against the mock API, looked at in a real browser (Debian's
 * headless chromium): a canary in progress, a blue-green preview and a rolled-back canary; then the
 * operator moves the canary on and the open page follows by watch, without a reload. Screenshots
 * land in target/screenshots/.
 */
class DashboardTest {

  static final Path SCREENSHOTS = Path.of("target", "screenshots");

  @TempDir Path dir;

  MockApi api;
  Thread command;
  ByteArrayOutputStream out = new ByteArrayOutputStream();
  ByteArrayOutputStream err = new ByteArrayOutputStream();

  @BeforeEach
  void start() {
    api =
        new MockApi(dir)
            .with("canary-progressing.yaml")
            .withDeployments("canary-progressing-deployments.yaml")
            .with("bluegreen-preview.yaml")
            .withDeployments("bluegreen-preview-deployments.yaml")
            .with("canary-rolledback.yaml", "staging");
    for (var report : Samples.items("canary-progressing-reports.yaml")) {
      api.client()
          .genericKubernetesResources(FleetWatch.RUNTIME_REPORTS)
          .inNamespace("ml")
          .resource(
              Serialization.unmarshal(
                  Serialization.asJson(report), GenericKubernetesResource.class))
          .create();
    }
  }

  @AfterEach
  void stop() throws InterruptedException {
    if (command != null) {
      command.interrupt();
      command.join(10_000);
    }
    api.close();
  }

  /**
   * Runs the command on its own thread, as a user runs it in a terminal; returns the URL it prints.
   */
  String dashboard(String... args) {
    var all =
        new java.util.ArrayList<>(List.of("--kubeconfig", api.kubeconfig.toString(), "dashboard"));
    all.addAll(List.of(args));
    command =
        Thread.ofPlatform()
            .name("dashboard")
            .start(
                () ->
                    KubectlModelship.run(
                        all.toArray(String[]::new),
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8)));
    var url = Pattern.compile("(http://127\\.0\\.0\\.1:\\d+/)");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> url.matcher(out.toString(StandardCharsets.UTF_8)).find() || !command.isAlive());
    var m = url.matcher(out.toString(StandardCharsets.UTF_8));
    assertThat(m.find()).as("printed URL; out: %s err: %s", out, err).isTrue();
    return m.group(1);
  }

  static HttpResponse<String> get(String url) throws Exception {
    try (var http = HttpClient.newBuilder().build()) {
      return http.send(
          HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }
  }

  /** GET / with a Host header of our choosing (the JDK client does not let a caller set one). */
  static String rawGet(String url, String host) throws Exception {
    var uri = URI.create(url);
    try (var socket = new java.net.Socket(uri.getHost(), uri.getPort())) {
      socket
          .getOutputStream()
          .write(
              ("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void servesOnLoopbackWithAStrictPolicyAndRefusesOtherHosts() throws Exception {
    String url = dashboard();

    assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("Fleet view of all namespaces at ");
    var page = get(url);
    assertThat(page.statusCode()).isEqualTo(200);
    String policy = page.headers().firstValue("Content-Security-Policy").orElseThrow();
    assertThat(policy)
        .startsWith("default-src 'none'; script-src 'sha256-")
        .contains("connect-src 'self'")
        .doesNotContain("unsafe", "http:", "https:", "*");
    assertThat(page.body()).doesNotContainPattern("(src|href)=\"(https?:)?//");

    var json = get(url + "api/fleet");
    assertThat(json.body())
        .contains("\"name\":\"iris\"", "\"name\":\"fraud\"", "\"namespace\":\"staging\"");
    // A page on another site, reaching 127.0.0.1 through a DNS name it controls, is refused.
    assertThat(rawGet(url, "rebound.example:" + URI.create(url).getPort()))
        .startsWith("HTTP/1.1 403");
    assertThat(rawGet(url, URI.create(url).getAuthority())).startsWith("HTTP/1.1 200");
  }

  @Test
  void onlyAnExplicitNamespaceNarrowsTheFleet() throws Exception {
    String url = dashboard("-n", "staging");

    assertThat(out.toString(StandardCharsets.UTF_8))
        .startsWith("Fleet view of namespace staging at ");
    assertThat(get(url + "api/fleet").body())
        .contains("\"namespace\":\"staging\"")
        .doesNotContain("\"namespace\":\"ml\"");
  }

  @Test
  void aBrowserSeesTheCanaryAndFollowsItLive() throws Exception {
    Path chromium =
        ExternalTool.require("look at the fleet view in a browser", chromiumCandidates());
    String url = dashboard();

    try (var browser = HeadlessChromium.start(chromium, 1400, 1000)) {
      browser.navigate(url);
      String text =
          browser.waitForText(
              t ->
                  t.contains("ml/iris")
                      && t.contains("setWeight 50")
                      && t.contains("staging/iris")
                      && t.contains("ml/fraud")
                      && t.contains("LIVE"),
              Duration.ofSeconds(20));

      // The fleet table: one row per ModelDeployment with phase and versions.
      assertThat(
              browser
                  .evaluate(
                      "[...document.querySelectorAll('#fleet tr[data-md]')].map(r => r.dataset.md).join(',')")
                  .asText())
          .isEqualTo("ml/fraud,ml/iris,staging/iris");
      String row =
          browser
              .evaluate("document.querySelector('#fleet tr[data-md=\"ml/iris\"]').innerText")
              .asText();
      assertThat(row)
          .contains("iris 2.0.0", "Canary", "PROGRESSING", "1.0.0", "2.0.0", "50% / 50%", "6/6");

      // Versions side by side, from status, the Deployments and the pods' reports.
      String versions = card(browser, "ml/iris", ".versions");
      assertThat(versions)
          .contains(
              "1.0.0 STABLE",
              "2.0.0 CANARY",
              "Drift\t0.08 Normal\t0.041 (analysis)",
              "Error rate\t0.10%\t0.20%",
              "p99 latency\t4.4 ms\t5.2 ms",
              "Accuracy\t94.5%\t96.0%",
              "Pods ready / desired\t4/4\t2/2");
      // The steps with the current one, and the traffic split.
      assertThat(
              browser
                  .evaluate(
                      "[...document.querySelectorAll('[data-md=\"ml/iris\"] .steps li')]"
                          + ".map(l => l.dataset.stepState).join(',')")
                  .asText())
          .isEqualTo("done,done,done,done,current,pending");
      assertThat(card(browser, "ml/iris", ".steps li.current"))
          .contains("setWeight 50", "desired 50%, actual 50%");
      assertThat(card(browser, "ml/iris", ".split")).contains("1.0.0 50%", "2.0.0 50%");
      assertThat(text)
          .contains("mirror 100% to 2.0.0", "requests with x-model-version: 2.0.0 → 2.0.0");
      // Measurements against thresholds, each with its chart.
      assertThat(card(browser, "ml/iris", "[data-metric=errorRate]"))
          .contains("errorRate", "0.0021", "≤ 0.01", "PASS", "2 judgements");
      assertThat(
              browser
                  .evaluate(
                      "document.querySelectorAll('[data-md=\"ml/iris\"] [data-metric] svg circle').length")
                  .asInt())
          .isEqualTo(6);
      // History with the reasons.
      assertThat(text).contains("p99 82 ms > 50 ms (2 of 2 failed)", "all 4 steps passed");
      assertThat(
              browser
                  .evaluate(
                      "[...document.querySelectorAll('[data-md=\"staging/iris\"] .steps li')]"
                          + ".map(l => l.dataset.stepState).join(',')")
                  .asText())
          .contains("failed");

      Files.createDirectories(SCREENSHOTS);
      browser.screenshot(SCREENSHOTS.resolve("fleet-canary-step5.png"));

      // The operator moves on: step 6 (pause until promoted), a third judgement. The page follows
      // by watch.
      api.client()
          .genericKubernetesResources(Cluster.MODEL_DEPLOYMENTS)
          .inNamespace("ml")
          .withName("iris")
          .patch(
              PatchContext.of(PatchType.JSON_MERGE),
              """
              {"status": {"phase": "Paused", "currentStep": 5, "rollout": {"stepIndex": 5, "analysis": {"passed": 4,
                "measurements": [
                  {"metric": "errorRate", "value": 0.0021, "threshold": 0.01, "verdict": "Pass", "samples": 948, "window": "30s", "time": "2026-12-01T11:59:30Z"},
                  {"metric": "errorRate", "value": 0.0064, "threshold": 0.01, "verdict": "Pass", "samples": 1210, "window": "30s", "time": "2026-12-01T12:00:00Z"},
                  {"metric": "latencyP99Ms", "value": 5.9, "threshold": 50, "verdict": "Pass", "samples": 1210, "window": "30s", "time": "2026-12-01T12:00:00Z"}]}},
                "conditions": [{"type": "Progressing", "status": "True", "reason": "Paused", "message": "step 6 of 6: paused until promoted"}],
                "retraining": {"candidates": [{"version": "2.0.0-retrain.1", "uri": "s3://ml/iris/2.0.0-retrain.1.tar.gz",
                  "verdict": "Better", "metric": "accuracy", "candidateValue": 0.97, "servingValue": 0.9, "heldOutRows": 300}]}}}
              """);
      browser.waitFor(
          "document.querySelector('[data-md=\"ml/iris\"] .steps li:last-child').dataset.stepState === 'current'",
          Duration.ofSeconds(15));
      // The page kept the earlier judgements that status no longer lists: three errorRate points
      // now.
      assertThat(card(browser, "ml/iris", "[data-metric=errorRate]"))
          .contains("0.0064", "3 judgements");
      assertThat(card(browser, "ml/iris", ".md-msg"))
          .isEqualTo("step 6 of 6: paused until promoted");
      assertThat(card(browser, "ml/iris", ".retraining"))
          .startsWith(
              "Retraining: candidate 2.0.0-retrain.1 is Better: accuracy 0.97 vs 0.9 on 300 rows");
      browser.screenshot(SCREENSHOTS.resolve("fleet-canary-step6.png"));

      assertThat(browser.console()).as("console (a CSP violation is logged here)").isEmpty();
      assertThat(browser.requests())
          .as("every request the page made")
          .allMatch(u -> u.startsWith(url));
    }
  }

  static String card(HeadlessChromium browser, String md, String selector) {
    return browser
        .evaluate(
            "(document.querySelector('section[data-md=\""
                + md
                + "\"] "
                + selector
                + "') || {}).innerText")
        .asText();
  }

  static String[] chromiumCandidates() {
    return HeadlessChromium.find()
        .map(p -> new String[] {p.toString()})
        .orElse(new String[] {"chromium", "/usr/bin/chromium"});
  }
}
