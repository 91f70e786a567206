package io.modelship.operator.reports;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.modelship.api.v1alpha1.RuntimeReport;
import io.modelship.api.v1alpha1.report.ReportSignature;
import io.modelship.api.v1alpha1.report.RuntimeReportSpec;
import io.modelship.operator.harness.Reports;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each way a report can be untrustworthy, against two good pods of the same version. */
class ReportValidationTest {

  static final byte[] KEY =
      "0123456789abcdef0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  static final byte[] OTHER_KEY =
      "fedcba9876543210fedcba9876543210".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  static final List<ReportValidation.LivePod> PODS =
      List.of(
          new ReportValidation.LivePod("pod-0", "uid-0", "1.0.0"),
          new ReportValidation.LivePod("pod-1", "uid-1", "1.0.0"),
          new ReportValidation.LivePod("pod-2", "uid-2", "1.0.0"));

  static RuntimeReport report(
      String name,
      String ownerUid,
      String deploymentLabel,
      String versionLabel,
      Consumer<RuntimeReportSpec> change) {
    RuntimeReportSpec spec = Reports.report("1.0.0", 10, 1, 3, 4, 5, Instant.EPOCH);
    spec.setPackageSha256("aaaa");
    change.accept(spec);
    var object = new RuntimeReport();
    object.setMetadata(
        new ObjectMetaBuilder()
            .withName(name)
            .withNamespace("ml")
            .withLabels(
                Map.of(
                    RuntimeReport.LABEL_DEPLOYMENT,
                    deploymentLabel,
                    RuntimeReport.LABEL_VERSION,
                    versionLabel))
            .withAnnotations(
                Map.of(
                    ReportSignature.ANNOTATION,
                    ReportSignature.sign(KEY, "ml", "iris", name, spec)))
            .withOwnerReferences(
                new OwnerReferenceBuilder()
                    .withKind("Pod")
                    .withName(name)
                    .withUid(ownerUid)
                    .build())
            .build());
    object.setSpec(spec);
    return object;
  }

  /** Signed as a pod of iris signs, then changed by someone without the key. */
  static RuntimeReport altered(Consumer<RuntimeReportSpec> change) {
    RuntimeReport report = third(s -> {});
    change.accept(report.getSpec());
    return report;
  }

  static RuntimeReport signedWith(byte[] key) {
    RuntimeReport report = third(s -> {});
    report
        .getMetadata()
        .setAnnotations(
            Map.of(
                ReportSignature.ANNOTATION,
                ReportSignature.sign(key, "ml", "iris", "pod-2", report.getSpec())));
    return report;
  }

  static RuntimeReport third(Consumer<RuntimeReportSpec> change) {
    return report("pod-2", "uid-2", "iris", "1.0.0", change);
  }

  static Stream<Arguments> untrusted() {
    return Stream.of(
        Arguments.of(
            "unknown owner",
            report("pod-2", "uid-9", "iris", "1.0.0", s -> {}),
            "not owned by a live serving pod"),
        Arguments.of(
            "another pod's name",
            report("pod-x", "uid-2", "iris", "1.0.0", s -> {}),
            "owned by pod pod-2"),
        Arguments.of(
            "other deployment",
            report("pod-2", "uid-2", "other", "1.0.0", s -> {}),
            "modelship.io/deployment"),
        Arguments.of(
            "wrong version label",
            report("pod-2", "uid-2", "iris", "2.0.0", s -> {}),
            "modelship.io/version"),
        Arguments.of(
            "wrong spec version", third(s -> s.setVersion("2.0.0")), "reports version 2.0.0"),
        Arguments.of("negative requests", third(s -> s.setRequestCount(-1L)), "negative count"),
        Arguments.of(
            "errors over requests", third(s -> s.setErrorCount(11L)), "errorCount 11 exceeds"),
        Arguments.of(
            "correct over labelled",
            third(s -> s.setAccuracyCorrect(99L)),
            "accuracyCorrect 99 exceeds"),
        Arguments.of("NaN latency", third(s -> s.setLatencyP99Ms(Double.NaN)), "latency NaN"),
        Arguments.of(
            "overflowing bins",
            third(
                s ->
                    s.getFeatures()
                        .get("petal_length")
                        .setCounts(List.of(Long.MAX_VALUE, Long.MAX_VALUE, 1L))),
            "counts overflow"),
        Arguments.of(
            "counts that miss the edges",
            third(s -> s.getFeatures().get("petal_length").setCounts(List.of(1L, 2L))),
            "2 counts for 3 bins"),
        Arguments.of(
            "bins unlike the other pods'",
            third(
                s -> {
                  var f = new java.util.HashMap<>(s.getFeatures());
                  f.remove("sepal_width");
                  s.setFeatures(f);
                }),
            "do not line up"),
        Arguments.of(
            "another package",
            third(s -> s.setPackageSha256("bbbb")),
            "package sha256 bbbb differs"),
        Arguments.of("unsigned", unsigned(), "not signed"),
        Arguments.of(
            "signed with another deployment's key",
            signedWith(OTHER_KEY),
            "signature does not match"),
        Arguments.of(
            "counts altered after signing",
            altered(s -> s.setErrorCount(9L)),
            "signature does not match"),
        Arguments.of(
            "version altered after signing",
            altered(s -> s.setPackageSha256("aaab")),
            "signature does not match"));
  }

  static RuntimeReport unsigned() {
    RuntimeReport report = third(s -> {});
    report.getMetadata().setAnnotations(null);
    return report;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("untrusted")
  void anUntrustedReportIsRejectedNamingThePodAndTheOthersCount(
      String why, RuntimeReport bad, String reason) {
    var reports = new ArrayList<RuntimeReport>();
    reports.add(report("pod-0", "uid-0", "iris", "1.0.0", s -> {}));
    reports.add(report("pod-1", "uid-1", "iris", "1.0.0", s -> {}));
    reports.add(bad);
    var result = ReportValidation.validate("iris", KEY, reports, PODS);
    assertThat(result.accepted()).containsOnlyKeys("pod-0", "pod-1");
    assertThat(result.rejected())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.pod()).isEqualTo(bad.getMetadata().getName());
              assertThat(r.reason()).contains(reason);
            });
  }
}
