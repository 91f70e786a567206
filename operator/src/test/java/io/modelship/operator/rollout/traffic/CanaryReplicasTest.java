package io.modelship.operator.rollout.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelship.operator.rollout.traffic.CanaryReplicas.Split;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CanaryReplicasTest {

  /**
   * total, weight, stable pods, canary pods: ceil(weight × total), at least one pod each side for
   * 1–99.
   */
  static Stream<Arguments> replicaRatio() {
    return Stream.of(
        Arguments.of(1, 10, 1, 1),
        Arguments.of(1, 50, 1, 1),
        Arguments.of(1, 100, 0, 1),
        Arguments.of(1, 0, 1, 0),
        Arguments.of(2, 10, 1, 1),
        Arguments.of(2, 50, 1, 1),
        Arguments.of(2, 90, 1, 1),
        Arguments.of(3, 10, 2, 1),
        Arguments.of(3, 50, 1, 2),
        Arguments.of(3, 90, 1, 2),
        Arguments.of(4, 10, 3, 1),
        Arguments.of(4, 25, 3, 1),
        Arguments.of(4, 60, 1, 3),
        Arguments.of(4, 99, 1, 3),
        Arguments.of(5, 10, 4, 1),
        Arguments.of(5, 50, 2, 3),
        Arguments.of(5, 90, 1, 4),
        Arguments.of(6, 10, 5, 1),
        Arguments.of(6, 50, 3, 3),
        Arguments.of(6, 90, 1, 5),
        Arguments.of(7, 10, 6, 1),
        Arguments.of(7, 50, 3, 4),
        Arguments.of(7, 90, 1, 6),
        Arguments.of(8, 10, 7, 1),
        Arguments.of(8, 50, 4, 4),
        Arguments.of(8, 90, 1, 7),
        Arguments.of(9, 10, 8, 1),
        Arguments.of(9, 50, 4, 5),
        Arguments.of(9, 90, 1, 8),
        Arguments.of(10, 1, 9, 1),
        Arguments.of(10, 10, 9, 1),
        Arguments.of(10, 11, 8, 2),
        Arguments.of(10, 50, 5, 5),
        Arguments.of(10, 90, 1, 9),
        Arguments.of(10, 99, 1, 9),
        Arguments.of(10, 100, 0, 10));
  }

  @ParameterizedTest(name = "{0} pods at {1}% → {2} stable + {3} canary")
  @MethodSource("replicaRatio")
  void replicaRatioRoundsUpWithAPodOnEachSide(int total, int weight, int stable, int canary) {
    assertThat(CanaryReplicas.replicaRatio(weight, total)).isEqualTo(new Split(stable, canary));
  }

  @ParameterizedTest(name = "{0} HPA-sized stable pods at {1}% → {3} canary")
  @MethodSource("autoscaled")
  void besideAnAutoscaledStableSideTheCanaryFollowsItsSize(
      int stable, int weight, int keptStable, int canary) {
    assertThat(CanaryReplicas.besideAutoscaled(weight, stable))
        .isEqualTo(new Split(keptStable, canary));
  }

  static Stream<Arguments> autoscaled() {
    return Stream.of(
        Arguments.of(10, 10, 10, 1),
        Arguments.of(10, 25, 10, 3),
        Arguments.of(3, 50, 3, 2),
        Arguments.of(7, 100, 7, 7),
        Arguments.of(2, 1, 2, 1),
        Arguments.of(5, 0, 5, 0));
  }

  @ParameterizedTest(name = "{0} stable ready, {1} canary ready → {2}%")
  @MethodSource("shares")
  void actualWeightIsTheReadyPodShare(int stable, int canary, int share) {
    assertThat(CanaryReplicas.readyShare(stable, canary)).isEqualTo(share);
  }

  static Stream<Arguments> shares() {
    return Stream.of(
        Arguments.of(10, 1, 9),
        Arguments.of(3, 1, 25),
        Arguments.of(1, 1, 50),
        Arguments.of(0, 0, 0),
        Arguments.of(0, 4, 100),
        Arguments.of(2, 1, 33));
  }
}
