package io.modelship.runtime.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelship.api.testing.HeadlessChromium;
import io.modelship.runtime.TestModels;
import io.modelship.runtime.http.ServingApp;
import io.modelship.runtime.server.ServeConfig;
import io.modelship.runtime.training.LabeledTable;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runtime's own page in a real browser (Debian's headless chromium) after traffic and labelled
 * feedback, for runtime-core's iris fixture package: the confusion matrix from the feedback,
 * feature importance from the package, and the latency histogram beside the percentiles. The
 * screenshot lands in target/screenshots/.
 */
class RuntimePageBrowserTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path tmp;

  static Path chromium() {
    var found = HeadlessChromium.find();
    if (found.isEmpty()) {
      assertThat(System.getenv("CI")).as("chromium is needed on CI (.ci/run installs it)").isNull();
      Assumptions.abort("chromium not installed");
    }
    return found.get();
  }

  static JsonNode post(ServingApp app, String path, String body) throws Exception {
    var response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  @Test
  void afterFeedbackThePageShowsTheConfusionMatrixFeatureImportanceAndLatencyHistogram()
      throws Exception {
    Path chromium = chromium();
    Path pkg = TestModels.irisDirectory();
    LabeledTable table = LabeledTable.read(TestModels.IRIS_CSV, "species", null);
    Map<String, String> env = new HashMap<>();
    env.put("MODEL_URI", pkg.toString());
    env.put("HOST", "127.0.0.1");
    env.put("PORT", "0");
    env.put("DRAIN_TIMEOUT_SECONDS", "1");
    env.put("MODEL_WORK_DIR", tmp.resolve("work").toString());
    try (ServingApp app =
        new ServingApp(ServeConfig.fromEnvironment(env).validate()).startReady()) {
      // Traffic, one row at a time so the latency histogram has as many requests, then the truth
      // for
      // each of them; the 10 setosa rows are labelled versicolor on purpose, to fill a cell off the
      // diagonal.
      List<String> truth = table.labelValues();
      int wrong = 0;
      for (int i = 0; i < table.size(); i++) {
        JsonNode reply =
            post(
                app,
                "/predict",
                "{\"features\": " + JSON.writeValueAsString(table.rows()[i]) + "}");
        String label = truth.get(i);
        if (label.equals("setosa") && wrong < 10) {
          label = "versicolor";
          wrong++;
        }
        post(
            app,
            "/feedback",
            "{\"request_id\": \""
                + reply.path("request_id").asText()
                + "\", \"label\": \""
                + label
                + "\"}");
      }
      JsonNode info =
          JSON.readTree(
              HTTP.send(
                      HttpRequest.newBuilder(
                              URI.create("http://127.0.0.1:" + app.port() + "/model_info"))
                          .build(),
                      HttpResponse.BodyHandlers.ofString())
                  .body());
      JsonNode confusion = info.path("statistics").path("confusion");
      assertThat(confusion.path("labels").toString())
          .isEqualTo("[\"setosa\",\"versicolor\",\"virginica\"]");
      // 10 setosa predictions were "really" versicolor: row versicolor, column setosa.
      assertThat(confusion.path("counts").get(1).get(0).asLong()).isEqualTo(10);
      long total = 0;
      for (JsonNode row : confusion.path("counts")) {
        for (JsonNode c : row) {
          total += c.asLong();
        }
      }
      assertThat(total).isEqualTo(table.size());

      String url = "http://127.0.0.1:" + app.port() + "/";
      try (var browser = HeadlessChromium.start(chromium, 1400, 1000)) {
        browser.navigate(url);
        browser.waitFor(
            "document.querySelectorAll('#cm td.c').length === 9"
                + " && document.querySelectorAll('#fi .hbars .n').length === 4"
                + " && document.querySelectorAll('#lh-chart rect.lh-bar').length > 0",
            Duration.ofSeconds(20));

        assertThat(
                browser
                    .evaluate("document.querySelector('#cm tr[data-true=versicolor]').innerText")
                    .asText())
            .startsWith("versicolor\t10\t");
        assertThat(browser.evaluate("document.getElementById('cm-n').innerText").asText())
            .startsWith(table.size() + " labelled · ")
            .endsWith("% correct");
        // Features in order of importance; iris is told apart by its petals.
        String importance =
            browser
                .evaluate(
                    "[...document.querySelectorAll('#fi .hbars .n')].map(n => n.innerText).join(',')")
                .asText();
        assertThat(importance.split(",")[0]).startsWith("petal_");
        assertThat(browser.evaluate("document.getElementById('fi-n').innerText").asText())
            .isEqualTo("permutation · accuracy lost when shuffled");
        long bars =
            browser
                .evaluate(
                    "[...document.querySelectorAll('#lh-chart rect.lh-bar title')]"
                        + ".map(t => +t.textContent.replace(/.*: ([0-9,]+).*/, '$1').replace(/,/g, '')).reduce((a, b) => a + b, 0)")
                .asLong();
        assertThat(bars)
            .as("requests in the histogram's bars")
            .isGreaterThanOrEqualTo(table.size());
        assertThat(browser.text())
            .contains("LATENCY HISTOGRAM", "p99", "CONFUSION MATRIX", "FEATURE IMPORTANCE");

        Files.createDirectories(Path.of("target", "screenshots"));
        browser.screenshot(Path.of("target", "screenshots", "runtime-after-feedback.png"));
        assertThat(browser.console()).as("console (a CSP violation is logged here)").isEmpty();
        assertThat(browser.requests()).allMatch(u -> u.startsWith(url));
      }
    }
  }
}
