package io.modelship.local.autoscale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelship.local.autoscale.ReplicaCalculator.MetricUnavailable;
import io.modelship.local.autoscale.ReplicaCalculator.Phase;
import io.modelship.local.autoscale.ReplicaCalculator.PodView;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Kubernetes documentation's algorithm and examples ("Algorithm details", the v1.33 tolerance
 * post).
 */
class ReplicaCalculatorTest {

  static Stream<Arguments> averageValue() {
    return Stream.of(
        // docs: current 200m, desired 100m → replicas doubled
        Arguments.of("200m of 100m doubles", 2, 100, new long[] {200, 200}, 4),
        // docs: current 50m, desired 100m → halved
        Arguments.of("50m of 100m halves", 4, 100, new long[] {50, 50, 50, 50}, 2),
        // within the 0.1 tolerance (ratio 1.05 and 0.95): no change
        Arguments.of("ratio 1.05 within tolerance", 2, 10_000, new long[] {10_500, 10_500}, 2),
        Arguments.of("ratio 0.95 within tolerance", 2, 10_000, new long[] {9_500, 9_500}, 2),
        // just outside it: 1.11 → ceil(1.11 × 2) = 3
        Arguments.of("ratio 1.11 scales", 2, 10_000, new long[] {11_100, 11_100}, 3),
        // the autoscale scenario: one pod at 40 requests/s of 30 → 2; two pods at 10 → 1
        Arguments.of("scenario scale-out", 1, 30_000, new long[] {40_000}, 2),
        Arguments.of("scenario scale-in", 2, 30_000, new long[] {10_000, 10_000}, 1),
        // the average over pods, not each pod: 25 + 5 = 15 per pod of 10 → ceil(1.5 × 2) = 3
        Arguments.of("average over pods", 2, 10_000, new long[] {25_000, 5_000}, 3),
        // idle: ceil(0 × n) = 0, which min replicas raises later
        Arguments.of("idle proposes zero", 3, 10_000, new long[] {0, 0, 0}, 0));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void averageValue(String name, int current, long target, long[] values, int expected)
      throws Exception {
    List<PodView> pods = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      pods.add(PodView.running("p" + i, values[i]));
    }
    assertThat(ReplicaCalculator.averageValue(current, target, pods, 0.1).replicas())
        .isEqualTo(expected);
  }

  /** The v1.33 tolerance post: 50 replicas at 90 % CPU with a 75 % target → 50 × 90 / 75 = 60. */
  @Test
  void utilizationOfFiftyPods() throws Exception {
    List<PodView> pods = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      pods.add(PodView.runningWithRequest("p" + i, 450, 500)); // 450m of a 500m request: 90 %
    }
    var proposal = ReplicaCalculator.utilization(50, 75, pods, 0.1);
    assertThat(proposal.replicas()).isEqualTo(60);
    assertThat(proposal.current()).as("utilization in percent").isEqualTo(90);
  }

  /**
   * Utilization is of the pods' summed requests, truncated to whole percent as the controller does.
   */
  @Test
  void utilizationIsOfTheSummedRequests() throws Exception {
    var pods =
        List.of(
            PodView.runningWithRequest("a", 300, 500), PodView.runningWithRequest("b", 100, 250));
    // 400m of 750m = 53.3 % → 53; of an 80 % target: ratio 0.6625 → ceil(1.325) = 2, no change
    var proposal = ReplicaCalculator.utilization(2, 80, pods, 0.1);
    assertThat(proposal.current()).isEqualTo(53);
    assertThat(proposal.replicas()).isEqualTo(2);
    assertThat(ReplicaCalculator.utilization(2, 20, pods, 0.1).replicas())
        .isEqualTo(6); // ceil(53/20 × 2)
  }

  @Test
  void aPodWithoutACpuRequestFailsTheMetric() {
    var pods = List.of(PodView.running("a", 300));
    assertThatThrownBy(() -> ReplicaCalculator.utilization(1, 80, pods, 0.1))
        .isInstanceOf(MetricUnavailable.class)
        .hasMessage("missing request for cpu in pod a");
  }

  /** Docs: on a scale-down, pods without a metric count as using 100 % of the target. */
  @Test
  void missingPodsDampAScaleDown() throws Exception {
    var pods =
        List.of(
            PodView.running("a", 1_000), PodView.running("b", 1_000), missing("c"), missing("d"));
    // without them: ratio 0.1 over 2 pods → 1; with c and d at the target: (1+1+10+10)/4 = 5.5 →
    // ratio 0.55 → ceil(2.2) = 3
    assertThat(ReplicaCalculator.averageValue(4, 10_000, pods, 0.1).replicas()).isEqualTo(3);
  }

  /** Docs: on a scale-up, pods without a metric count as using nothing. */
  @Test
  void missingPodsDampAScaleUp() throws Exception {
    var pods = List.of(PodView.running("a", 30_000), missing("b"));
    // 30 of 10 on one pod; with b at 0: 15 → ratio 1.5 over 2 pods → 3
    assertThat(ReplicaCalculator.averageValue(2, 10_000, pods, 0.1).replicas()).isEqualTo(3);
  }

  /** Docs: if counting the missing pods reverses the direction, the count stays. */
  @Test
  void missingPodsThatReverseTheDirectionKeepTheCount() throws Exception {
    var pods = List.of(PodView.running("a", 11_500), missing("b"));
    // 1.15 alone; with b at 0: 0.575 — a scale-up turned into a scale-down: no change
    assertThat(ReplicaCalculator.averageValue(2, 10_000, pods, 0.1).replicas()).isEqualTo(2);
  }

  /** Docs: for CPU, not-yet-ready pods count as using nothing on a scale-up. */
  @Test
  void unreadyPodsDampACpuScaleUp() throws Exception {
    var pods =
        List.of(
            PodView.runningWithRequest("a", 500, 250),
            new PodView("b", Phase.RUNNING, false, 900L, 250L, true));
    // a alone: 200 % of a 50 % target → ratio 4 over 1 ready pod; with b at 0: 100 % → ratio 2 over
    // 2 → 4
    assertThat(ReplicaCalculator.utilization(2, 50, pods, 0.1).replicas()).isEqualTo(4);
  }

  @Test
  void deletedAndFailedPodsAreNotMeasured() throws Exception {
    var pods =
        List.of(
            PodView.running("a", 20_000),
            new PodView("gone", Phase.RUNNING, true, 0L, null, false),
            new PodView("failed", Phase.FAILED, false, 0L, null, false));
    // only a counts: 20 of 10 → ceil(2 × 1) = 2
    assertThat(ReplicaCalculator.averageValue(3, 10_000, pods, 0.1).replicas()).isEqualTo(2);
  }

  /**
   * A Pending pod is set aside, and on a scale-up counts as using nothing: (20 + 0) / 2 = 10 of 10,
   * no change.
   */
  @Test
  void aPendingPodDampsAScaleUp() throws Exception {
    var pods =
        List.of(
            PodView.running("a", 20_000),
            new PodView("pending", Phase.PENDING, false, null, null, false));
    assertThat(ReplicaCalculator.averageValue(2, 10_000, pods, 0.1).replicas()).isEqualTo(2);
  }

  @Test
  void noPodsOrNoMetricsIsAnError() {
    assertThatThrownBy(() -> ReplicaCalculator.averageValue(1, 10_000, List.of(), 0.1))
        .hasMessage("no pods returned by selector while calculating replica count");
    assertThatThrownBy(() -> ReplicaCalculator.averageValue(1, 10_000, List.of(missing("a")), 0.1))
        .hasMessage("did not receive metrics for targeted pods (pods might be unready)");
  }

  static Stream<Arguments> cpuUnready() {
    Instant start = Instant.parse("2026-01-01T00:00:00Z");
    Duration window = Duration.ofSeconds(15);
    return Stream.of(
        // within the 5 min initialization: ready, and the sample's window began after turning ready
        // → counted
        Arguments.of(
            "ready, window after readiness",
            start,
            true,
            start.plusSeconds(10),
            start.plusSeconds(30),
            start.plusSeconds(30),
            false),
        // window began before readiness: the JVM's start-up CPU would count → set aside
        Arguments.of(
            "window overlaps start-up",
            start,
            true,
            start.plusSeconds(10),
            start.plusSeconds(20),
            start.plusSeconds(20),
            true),
        Arguments.of(
            "not ready in initialization",
            start,
            false,
            start.plusSeconds(10),
            start.plusSeconds(60),
            start.plusSeconds(60),
            true),
        // after 5 min: only a pod never ready since its first 30 s is set aside
        Arguments.of(
            "late, ready",
            start,
            true,
            start.plusSeconds(10),
            start.plusSeconds(400),
            start.plusSeconds(400),
            false),
        Arguments.of(
            "late, unready after being ready",
            start,
            false,
            start.plusSeconds(200),
            start.plusSeconds(400),
            start.plusSeconds(400),
            false),
        Arguments.of(
            "late, never ready",
            start,
            false,
            start.plusSeconds(5),
            start.plusSeconds(400),
            start.plusSeconds(400),
            true));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void cpuUnready(
      String name,
      Instant started,
      boolean ready,
      Instant readySince,
      Instant sampleAt,
      Instant now,
      boolean expected) {
    assertThat(
            ReplicaCalculator.cpuUnready(
                started,
                ready,
                readySince,
                sampleAt,
                Duration.ofSeconds(15),
                now,
                Duration.ofMinutes(5),
                Duration.ofSeconds(30)))
        .isEqualTo(expected);
  }

  private static PodView missing(String name) {
    return new PodView(name, Phase.RUNNING, false, null, null, false);
  }
}
