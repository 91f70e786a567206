package io.modelship.runtime.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.modelship.api.testing.MergePatchCrudDispatcher;
import io.modelship.api.v1alpha1.ModelPackageReference;
import io.modelship.api.v1alpha1.RuntimeReport;
import io.modelship.api.v1alpha1.report.BinnedCounts;
import io.modelship.api.v1alpha1.report.ReportSignature;
import io.modelship.api.v1alpha1.report.RuntimeReportSpec;
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
import java.util.function.Supplier;
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
    server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            new HashMap<>(),
            new MergePatchCrudDispatcher(),
            false);
    server.init();
    client = server.createClient();
    var crd =
        Serialization.unmarshal(
            Files.readString(
                Path.of(
                    System.getProperty("crds.dir", "../crds"),
                    "runtimereports.modelship.io-v1.yml")),
            CustomResourceDefinition.class);
    client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
  }

  @AfterEach
  void stop() {
    client.close();
    server.destroy();
  }

  static RuntimeReportSpec report(long requests, String loadError) {
    var report = new RuntimeReportSpec();
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

  RuntimeReporter reporter(String pod, Supplier<RuntimeReportSpec> supplier, Duration interval) {
    return new RuntimeReporter(
        server.createClient(), supplier, pod, "uid-" + pod, "ml", "iris", interval, CLOCK);
  }

  RuntimeReport read(String pod) {
    return client.resources(RuntimeReport.class).inNamespace("ml").withName(pod).get();
  }

  ModelPackageReference readReference(String name) {
    return client.resources(ModelPackageReference.class).inNamespace("ml").withName(name).get();
  }

  @Test
  void writesItsOwnReportOwnedByItsPodAndReplacesItWhole() {
    try (var reporter =
        reporter("pod-a", () -> report(0, "sha256 mismatch"), Duration.ofSeconds(15))) {
      assertThat(reporter.reportOnce()).isTrue();
      var first = read("pod-a");
      assertThat(first.getSpec().getLoadError()).isEqualTo("sha256 mismatch");
      assertThat(first.getSpec().getReportTime()).isEqualTo("2026-01-01T00:00:00Z");
      assertThat(first.getMetadata().getLabels())
          .containsEntry(RuntimeReport.LABEL_DEPLOYMENT, "iris")
          .containsEntry(RuntimeReport.LABEL_VERSION, "1.0.0");
      assertThat(first.getMetadata().getOwnerReferences())
          .singleElement()
          .satisfies(
              owner -> {
                assertThat(owner.getKind()).isEqualTo("Pod");
                assertThat(owner.getName()).isEqualTo("pod-a");
                assertThat(owner.getUid()).isEqualTo("uid-pod-a");
              });
    }
    try (var reporter = reporter("pod-a", () -> report(42, null), Duration.ofSeconds(15))) {
      assertThat(reporter.reportOnce()).isTrue();
    }
    var spec = read("pod-a").getSpec();
    assertThat(spec.getLoadError()).as("a cleared field is removed, not kept").isNull();
    assertThat(spec.getRequestCount()).isEqualTo(42);
    assertThat(spec.getPrediction().getCounts()).containsExactly(42L, 42L);
    assertThat(read("pod-a").getMetadata().getOwnerReferences()).hasSize(1);
  }

  @Test
  void theFirstPodOfAPackageCreatesItsReferenceOnceOwnedByTheModelDeployment() {
    var reference = report(0, null);
    reference.setPackageSha256("0123456789abcdef0123");
    for (String pod : List.of("pod-a", "pod-b")) {
      try (var reporter =
          reporter(pod, () -> report(1, null), Duration.ofSeconds(15))
              .withReference("md-uid", () -> java.util.Optional.of(reference))) {
        assertThat(reporter.reportOnce()).as("an existing reference is fine").isTrue();
      }
    }
    assertThat(read("iris-ref-0123456789ab"))
        .as("the reference is a kind of its own, not one of the pods' RuntimeReports")
        .isNull();
    assertThat(read("pod-a")).isNotNull();
    var written = readReference("iris-ref-0123456789ab");
    assertThat(written.getMetadata().getLabels())
        .containsEntry(RuntimeReport.LABEL_DEPLOYMENT, "iris");
    assertThat(written.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            owner -> {
              assertThat(owner.getKind()).isEqualTo("ModelDeployment");
              assertThat(owner.getUid()).isEqualTo("md-uid");
            });
    assertThat(written.getSpec().getPrediction().getReference()).containsExactly(0.5, 0.5);
  }

  /**
   * What the operator checks: the signature over what it reads back, after create and after each
   * patch.
   */
  @Test
  void reportsAndTheReferenceAreSignedWithTheDeploymentsReportKey() {
    String hexKey = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
    byte[] key = java.util.HexFormat.of().parseHex(hexKey);
    var reference = report(0, null);
    reference.setPackageSha256("0123456789abcdef0123");
    var inside =
        ServeConfig.fromEnvironment(
                Map.of(
                    "POD_NAME",
                    "pod-a",
                    "POD_UID",
                    "uid-a",
                    "POD_NAMESPACE",
                    "ml",
                    "MODELDEPLOYMENT_NAME",
                    "iris"))
            .reporting();
    var requests = new AtomicLong(1);
    try (var reporter =
        RuntimeReporter.forDeployment(
                inside, hexKey, () -> server.createClient(), () -> report(requests.get(), null))
            .orElseThrow()
            .withReference("md-uid", () -> java.util.Optional.of(reference))) {
      for (int i = 0; i < 2; i++) {
        assertThat(reporter.reportOnce()).isTrue();
        RuntimeReport written = read("pod-a");
        assertThat(
                ReportSignature.verify(
                    key,
                    written.getMetadata().getAnnotations().get(ReportSignature.ANNOTATION),
                    "ml",
                    "iris",
                    "pod-a",
                    written.getSpec()))
            .as("report %d", i)
            .isTrue();
        written.getSpec().setRequestCount(written.getSpec().getRequestCount() + 1);
        assertThat(
                ReportSignature.verify(
                    key,
                    written.getMetadata().getAnnotations().get(ReportSignature.ANNOTATION),
                    "ml",
                    "iris",
                    "pod-a",
                    written.getSpec()))
            .as("altered")
            .isFalse();
        requests.set(50);
      }
    }
    ModelPackageReference ref = readReference("iris-ref-0123456789ab");
    assertThat(
            ReportSignature.verify(
                key,
                ref.getMetadata().getAnnotations().get(ReportSignature.ANNOTATION),
                "ml",
                "iris",
                "iris-ref-0123456789ab",
                ref.getSpec()))
        .isTrue();
  }

  /**
   * Another deployment's pod got there first with bins of its choosing: ours writes the genuine
   * reference over it.
   */
  @Test
  void aPlantedReferenceIsWrittenOverWithTheSignedOne() {
    String hexKey = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
    var planted = new ModelPackageReference();
    planted.setMetadata(
        new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
            .withName("iris-ref-0123456789ab")
            .withNamespace("ml")
            .withLabels(Map.of(RuntimeReport.LABEL_DEPLOYMENT, "iris"))
            .withOwnerReferences(
                new io.fabric8.kubernetes.api.model.OwnerReferenceBuilder()
                    .withKind("ModelDeployment")
                    .withApiVersion("modelship.io/v1alpha1")
                    .withName("recommender")
                    .withUid("attacker-uid")
                    .build())
            .build());
    var bogus = report(0, null);
    bogus.setPackageSha256("0123456789abcdef0123");
    bogus.getPrediction().setReference(List.of(0.99, 0.01));
    planted.setSpec(bogus);
    client.resources(ModelPackageReference.class).inNamespace("ml").resource(planted).create();

    var reference = report(0, null);
    reference.setPackageSha256("0123456789abcdef0123");
    var inside =
        ServeConfig.fromEnvironment(
                Map.of(
                    "POD_NAME",
                    "pod-a",
                    "POD_UID",
                    "uid-a",
                    "POD_NAMESPACE",
                    "ml",
                    "MODELDEPLOYMENT_NAME",
                    "iris"))
            .reporting();
    try (var reporter =
        RuntimeReporter.forDeployment(
                inside, hexKey, () -> server.createClient(), () -> report(1, null))
            .orElseThrow()
            .withReference("md-uid", () -> java.util.Optional.of(reference))) {
      assertThat(reporter.reportOnce()).isTrue();
    }
    ModelPackageReference repaired = readReference("iris-ref-0123456789ab");
    assertThat(repaired.getSpec().getPrediction().getReference()).containsExactly(0.5, 0.5);
    assertThat(repaired.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(o -> assertThat(o.getUid()).isEqualTo("md-uid"));
    assertThat(
            ReportSignature.verify(
                java.util.HexFormat.of().parseHex(hexKey),
                repaired.getMetadata().getAnnotations().get(ReportSignature.ANNOTATION),
                "ml",
                "iris",
                "iris-ref-0123456789ab",
                repaired.getSpec()))
        .isTrue();
  }

  @Test
  void withoutAKeyReportsStillGoOutUnsigned() {
    var inside =
        ServeConfig.fromEnvironment(
                Map.of(
                    "POD_NAME",
                    "pod-a",
                    "POD_UID",
                    "uid-a",
                    "POD_NAMESPACE",
                    "ml",
                    "MODELDEPLOYMENT_NAME",
                    "iris"))
            .reporting();
    try (var reporter =
        RuntimeReporter.forDeployment(
                inside, null, () -> server.createClient(), () -> report(1, null))
            .orElseThrow()) {
      assertThat(reporter.reportOnce()).isTrue();
    }
    var annotations = read("pod-a").getMetadata().getAnnotations();
    assertThat(annotations == null ? Map.<String, String>of() : annotations)
        .doesNotContainKey(ReportSignature.ANNOTATION);
  }

  @Test
  void concurrentPodsNeverOverwriteEachOther() throws Exception {
    int pods = 10;
    try (var pool = Executors.newFixedThreadPool(pods)) {
      var futures =
          IntStream.range(0, pods)
              .mapToObj(
                  i ->
                      pool.submit(
                          () -> {
                            try (var reporter =
                                reporter(
                                    "pod-" + i, () -> report(i, null), Duration.ofSeconds(15))) {
                              return reporter.reportOnce() && reporter.reportOnce();
                            }
                          }))
              .toList();
      for (var f : futures) {
        assertThat(f.get()).isTrue();
      }
    }
    IntStream.range(0, pods)
        .forEach(i -> assertThat(read("pod-" + i).getSpec().getRequestCount()).isEqualTo(i));
  }

  @Test
  void failuresBackOffAndNeverThrowEvenForErrors() {
    for (Supplier<RuntimeReportSpec> broken :
        List.<Supplier<RuntimeReportSpec>>of(
            () -> {
              throw new IllegalStateException("stats not ready");
            },
            () -> {
              throw new OutOfMemoryError("Java heap space");
            },
            () -> {
              throw new StackOverflowError();
            },
            () -> {
              throw new AssertionError("bug");
            })) {
      try (var reporter = reporter("pod-a", broken, Duration.ofSeconds(10))) {
        assertThat(reporter.reportOnce()).isFalse();
        assertThat(reporter.reportOnce()).isFalse();
        assertThat(reporter.failures()).isEqualTo(2);
        assertThat(reporter.nextDelay()).isBetween(Duration.ofSeconds(32), Duration.ofSeconds(48));
      }
    }
  }

  @Test
  void keepsReportingAfterARunThrewAnError() {
    var calls = new AtomicLong();
    Supplier<RuntimeReportSpec> flaky =
        () -> {
          long n = calls.incrementAndGet();
          if (n <= 2) {
            throw new OutOfMemoryError("run " + n);
          }
          return report(n, null);
        };
    try (var _ =
        new RuntimeReporter(
                server.createClient(),
                flaky,
                "pod-a",
                "uid-a",
                "ml",
                "iris",
                Duration.ofMillis(20),
                CLOCK)
            .start()) {
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () -> {
                var written = read("pod-a");
                return written != null && written.getSpec().getRequestCount() >= 3;
              });
    }
  }

  @Test
  void finalReportIsBoundedByItsTimeout() {
    Supplier<RuntimeReportSpec> hung =
        () -> {
          try {
            Thread.sleep(Duration.ofSeconds(30));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return report(1, null);
        };
    try (var reporter = reporter("pod-a", hung, Duration.ofSeconds(15))) {
      long started = System.nanoTime();
      assertThat(reporter.finalReport(Duration.ofMillis(300))).isFalse();
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
    }
    try (var reporter = reporter("pod-b", () -> report(5, null), Duration.ofSeconds(15))) {
      assertThat(reporter.finalReport(RuntimeReporter.FINAL_REPORT_TIMEOUT)).isTrue();
      assertThat(read("pod-b").getSpec().getRequestCount()).isEqualTo(5);
    }
  }

  @Test
  void reportsEveryIntervalOnceStarted() {
    var calls = new AtomicLong();
    try (var _ =
        reporter("pod-a", () -> report(calls.incrementAndGet(), null), Duration.ofMillis(100))
            .start()) {
      await()
          .atMost(Duration.ofSeconds(5))
          .until(
              () -> {
                var written = read("pod-a");
                return written != null && written.getSpec().getRequestCount() >= 3;
              });
    }
  }

  @Test
  void configuresItselfOnlyInsideAModelDeployment() {
    var outside = ServeConfig.fromEnvironment(Map.of()).reporting();
    assertThat(RuntimeReporter.forDeployment(outside, () -> client, () -> report(0, null)))
        .isEmpty();
    var env =
        Map.of(
            "POD_NAME",
            "p",
            "POD_UID",
            "u",
            "POD_NAMESPACE",
            "ml",
            "MODELDEPLOYMENT_NAME",
            "iris",
            "REPORT_INTERVAL_SECONDS",
            "7");
    var inside = ServeConfig.fromEnvironment(env).reporting();
    try (var reporter =
        RuntimeReporter.forDeployment(inside, () -> server.createClient(), () -> report(0, null))
            .orElseThrow()) {
      assertThat(reporter.nextDelay()).isBetween(Duration.ofMillis(5600), Duration.ofMillis(8400));
    }
  }
}
