package io.modelship.api.v1alpha1.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportSignatureTest {

  static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  static RuntimeReportSpec report() {
    var spec = new RuntimeReportSpec();
    spec.setVersion("1.0.0");
    spec.setRequestCount(100L);
    spec.setErrorCount(1L);
    spec.setLatencyP99Ms(12.0);
    spec.setAccuracyBaseline(0.95);
    spec.setLatencyCounts(List.of(0L, 3L, 97L));
    var bins = new BinnedCounts();
    bins.setCounts(List.of(1L, 2L));
    bins.setLabels(List.of("a", "b"));
    spec.setFeatures(Map.of("z_feature", bins, "a_feature", bins));
    return spec;
  }

  @Test
  void aSignatureSurvivesTheRoundTripThroughTheApiServer() throws Exception {
    RuntimeReportSpec written = report();
    String signature = ReportSignature.sign(KEY, "ml", "iris", "iris-pod-0", written);
    // The API server stores JSON in Go maps: keys come back sorted, 12.0 comes back as 12.
    String asStored =
        new ObjectMapper()
            .writeValueAsString(written)
            .replace("12.0", "12")
            .replace("0.95", "9.5e-01");
    RuntimeReportSpec read = new ObjectMapper().readValue(asStored, RuntimeReportSpec.class);
    assertThat(ReportSignature.verify(KEY, signature, "ml", "iris", "iris-pod-0", read)).isTrue();
  }

  @Test
  void anyChangeOfCountsPodDeploymentOrKeyBreaksIt() {
    String signature = ReportSignature.sign(KEY, "ml", "iris", "iris-pod-0", report());
    RuntimeReportSpec more = report();
    more.setErrorCount(2L);
    assertThat(ReportSignature.verify(KEY, signature, "ml", "iris", "iris-pod-0", more)).isFalse();
    RuntimeReportSpec otherVersion = report();
    otherVersion.setVersion("2.0.0");
    assertThat(ReportSignature.verify(KEY, signature, "ml", "iris", "iris-pod-0", otherVersion))
        .isFalse();
    assertThat(ReportSignature.verify(KEY, signature, "ml", "iris", "iris-pod-1", report()))
        .isFalse();
    assertThat(ReportSignature.verify(KEY, signature, "ml", "recommender", "iris-pod-0", report()))
        .isFalse();
    assertThat(ReportSignature.verify(KEY, signature, "other", "iris", "iris-pod-0", report()))
        .isFalse();
    byte[] otherKey = "fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.US_ASCII);
    assertThat(ReportSignature.verify(otherKey, signature, "ml", "iris", "iris-pod-0", report()))
        .isFalse();
    assertThat(ReportSignature.verify(KEY, null, "ml", "iris", "iris-pod-0", report())).isFalse();
    assertThat(ReportSignature.verify(KEY, "not hex", "ml", "iris", "iris-pod-0", report()))
        .isFalse();
    assertThat(ReportSignature.verify(KEY, signature, "ml", "iris", "iris-pod-0", report()))
        .isTrue();
  }

  @Test
  void keysComeAsHexOfAtLeast16Bytes() {
    assertThat(ReportSignature.parseKey("00112233445566778899aabbccddeeff")).isPresent();
    assertThat(ReportSignature.parseKey(" 00112233445566778899aabbccddeeff\n")).isPresent();
    assertThat(ReportSignature.parseKey("0011")).isEmpty();
    assertThat(ReportSignature.parseKey("not-hex-at-all-not-hex-at-all-xx")).isEmpty();
    assertThat(ReportSignature.parseKey("")).isEmpty();
    assertThat(ReportSignature.parseKey(null)).isEmpty();
  }
}
