package io.modelship.runtime.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.modelship.api.testing.MergePatchCrudDispatcher;
import io.modelship.api.v1alpha1.ModelDeployment;
import io.modelship.api.v1alpha1.spec.ModelDeploymentSpec;
import io.modelship.api.v1alpha1.spec.ModelSpec;
import io.modelship.api.v1alpha1.status.BinnedCounts;
import io.modelship.api.v1alpha1.status.RuntimeReport;
import io.modelship.runtime.server.ServeConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RuntimeReporterTest {

  static final Logger MOCK_LOG = Logger.getLogger("io.fabric8.mockwebserver");
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

  static {
    MOCK_LOG.setLevel(Level.WARNING);
  }

  KubernetesMockServer server;
  KubernetesClient client;

  @BeforeEach
  void start() throws Exception {
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new MergePatchCrudDispatcher(), false);
    server.init();
    client = server.createClient();
    var crd = Serialization.unmarshal(
        Files.readString(Path.of(System.getProperty("crd.file", "../crds/modeldeployments.modelship.io-v1.yml"))),
        CustomResourceDefinition.class);
    client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
    var model = new ModelSpec();
    model.setVersion("1.0.0");
    model.setUri("https://models.example.com/iris.tar.gz");
    var spec = new ModelDeploymentSpec();
    spec.setModel(model);
    var md = new ModelDeployment();
    md.setMetadata(new ObjectMetaBuilder().withName("iris").withNamespace("ml").build());
    md.setSpec(spec);
    client.resource(md).create();
  }

  @AfterEach
  void stop() {
    client.close();
    server.destroy();
  }

  static RuntimeReport report(long requests, String loadError) {
    var report = new RuntimeReport();
    report.setVersion("1.0.0");
    report.setModelLoaded(loadError == null);
    report.setReady(loadError == null);
    report.setLoadError(loadError);
    report.setRequestCount(requests);
    var counts = new BinnedCounts();
    counts.setEdges(List.of(1.0));
    counts.setReference(List.of(0.5, 0.5));
    counts.setCounts(List.of(requests, requests));
    report.setPrediction(counts);
    return report;
  }

  RuntimeReporter reporter(String pod, java.util.function.Supplier<RuntimeReport> supplier, Duration interval) {
    return new RuntimeReporter(server.createClient(), supplier, pod, "ml", "iris", interval, CLOCK);
  }

  ModelDeployment read() {
    return client.resources(ModelDeployment.class).inNamespace("ml").withName("iris").get();
  }

  @Test
  void writesOnlyItsOwnEntryAndReplacesItWhole() {
    client.resources(ModelDeployment.class).inNamespace("ml").withName("iris").subresource("status")
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"status\":{\"phase\":\"Healthy\",\"runtimeReports\":{\"other\":{\"version\":\"1.0.0\"}}}}");
    try (var reporter = reporter("pod-a", () -> report(0, "sha256 mismatch"), Duration.ofSeconds(15))) {
      assertThat(reporter.reportOnce()).isTrue();
      var first = read().getStatus().getRuntimeReports().get("pod-a");
      assertThat(first.getLoadError()).isEqualTo("sha256 mismatch");
      assertThat(first.getReportTime()).isEqualTo("2026-01-01T00:00:00Z");
    }
    try (var reporter = reporter("pod-a", () -> report(42, null), Duration.ofSeconds(15))) {
      assertThat(reporter.reportOnce()).isTrue();
    }
    var status = read().getStatus();
    assertThat(status.getPhase()).hasToString("Healthy");
    assertThat(status.getRuntimeReports()).containsOnlyKeys("other", "pod-a");
    var entry = status.getRuntimeReports().get("pod-a");
    assertThat(entry.getLoadError()).as("a cleared field is removed, not kept").isNull();
    assertThat(entry.getRequestCount()).isEqualTo(42);
    assertThat(entry.getPrediction().getCounts()).containsExactly(42L, 42L);
  }

  @Test
  void concurrentPodsNeverOverwriteEachOther() throws Exception {
    int pods = 10;
    try (var pool = Executors.newFixedThreadPool(pods)) {
      var futures = IntStream.range(0, pods).mapToObj(i -> pool.submit(() -> {
        try (var reporter = reporter("pod-" + i, () -> report(i, null), Duration.ofSeconds(15))) {
          return reporter.reportOnce() && reporter.reportOnce();
        }
      })).toList();
      for (var f : futures) {
        assertThat(f.get()).isTrue();
      }
    }
    var reports = read().getStatus().getRuntimeReports();
    assertThat(reports).hasSize(pods);
    IntStream.range(0, pods).forEach(i -> assertThat(reports.get("pod-" + i).getRequestCount()).isEqualTo(i));
  }

  @Test
  void failuresBackOffAndNeverThrow() {
    try (var reporter = new RuntimeReporter(server.createClient(), () -> report(1, null), "pod-a", "ml", "missing",
        Duration.ofSeconds(10), CLOCK)) {
      assertThat(reporter.reportOnce()).isFalse();
      assertThat(reporter.reportOnce()).isFalse();
      assertThat(reporter.failures()).isEqualTo(2);
      assertThat(reporter.nextDelay()).isGreaterThanOrEqualTo(Duration.ofSeconds(32)).isLessThanOrEqualTo(Duration.ofSeconds(48));
    }
    try (var reporter = reporter("pod-b", () -> { throw new IllegalStateException("stats not ready"); }, Duration.ofSeconds(10))) {
      assertThat(reporter.reportOnce()).isFalse();
    }
  }

  @Test
  void reportsEveryIntervalOnceStarted() {
    var calls = new AtomicLong();
    try (var _ = reporter("pod-a", () -> report(calls.incrementAndGet(), null), Duration.ofMillis(100)).start()) {
      await().atMost(Duration.ofSeconds(5)).until(() -> {
        var status = read().getStatus();
        return status != null && status.getRuntimeReports() != null
            && status.getRuntimeReports().containsKey("pod-a")
            && status.getRuntimeReports().get("pod-a").getRequestCount() >= 3;
      });
    }
  }

  @Test
  void configuresItselfOnlyInsideAModelDeployment() {
    var outside = ServeConfig.fromEnvironment(Map.of()).reporting();
    assertThat(RuntimeReporter.forDeployment(outside, () -> client, () -> report(0, null))).isEmpty();
    var env = Map.of("POD_NAME", "p", "POD_NAMESPACE", "ml", "MODELDEPLOYMENT_NAME", "iris", "REPORT_INTERVAL_SECONDS", "7");
    var inside = ServeConfig.fromEnvironment(env).reporting();
    try (var reporter = RuntimeReporter.forDeployment(inside, () -> server.createClient(), () -> report(0, null)).orElseThrow()) {
      assertThat(reporter.nextDelay()).isBetween(Duration.ofMillis(5600), Duration.ofMillis(8400));
    }
  }
}
