package io.modelship.operator.rollout.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelship.api.v1alpha1.status.Phase;
import io.modelship.operator.rollout.traffic.VersionObservation;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RollingUpdatePlannerTest {

  record Case(
      String name,
      RolloutInputs in,
      List<VersionTarget> targets,
      String stable,
      String autoscaled,
      Phase phase,
      boolean progressing) {
    @Override
    public String toString() {
      return name;
    }
  }

  static VersionObservation obs(String version, int replicas, int ready) {
    return new VersionObservation(version, replicas, ready, ready);
  }

  static Map<String, VersionObservation> observed(VersionObservation... all) {
    return Arrays.stream(all)
        .collect(Collectors.toMap(VersionObservation::version, Function.identity()));
  }

  static VersionTarget spec(String version, Integer replicas) {
    return new VersionTarget(version, replicas, true);
  }

  static VersionTarget kept(String version, int replicas) {
    return new VersionTarget(version, replicas, false);
  }

  static Stream<Arguments> cases() {
    return Stream.of(
            new Case(
                "first create: nothing observed yet",
                new RolloutInputs("1", 2, false, null, Map.of()),
                List.of(spec("1", 2)),
                null,
                null,
                Phase.Pending,
                true),
            new Case(
                "first create: pods coming up",
                new RolloutInputs("1", 2, false, null, observed(obs("1", 2, 1))),
                List.of(spec("1", 2)),
                null,
                null,
                Phase.Progressing,
                true),
            new Case(
                "first create: all ready becomes stable",
                new RolloutInputs("1", 2, false, null, observed(obs("1", 2, 2))),
                List.of(spec("1", 2)),
                "1",
                null,
                Phase.Healthy,
                false),
            new Case(
                "steady state",
                new RolloutInputs("1", 2, false, "1", observed(obs("1", 2, 2))),
                List.of(spec("1", 2)),
                "1",
                null,
                Phase.Healthy,
                false),
            new Case(
                "scale up waits for the new pods, stable stays",
                new RolloutInputs("1", 4, false, "1", observed(obs("1", 4, 2))),
                List.of(spec("1", 4)),
                "1",
                null,
                Phase.Progressing,
                true),
            new Case(
                "version change keeps the old version as it runs",
                new RolloutInputs("2", 2, false, "1", observed(obs("1", 2, 2))),
                List.of(spec("2", 2), kept("1", 2)),
                "1",
                null,
                Phase.Progressing,
                true),
            new Case(
                "new version partly ready: old still kept",
                new RolloutInputs("2", 2, false, "1", observed(obs("1", 2, 2), obs("2", 2, 1))),
                List.of(spec("2", 2), kept("1", 2)),
                "1",
                null,
                Phase.Progressing,
                true),
            new Case(
                "new version ready: old goes, new is stable",
                new RolloutInputs("2", 2, false, "1", observed(obs("1", 2, 2), obs("2", 2, 2))),
                List.of(spec("2", 2)),
                "2",
                null,
                Phase.Healthy,
                true),
            new Case(
                "restart mid-rollout resumes from status and observations",
                new RolloutInputs("2", 3, false, "1", observed(obs("1", 3, 3), obs("2", 3, 0))),
                List.of(spec("2", 3), kept("1", 3)),
                "1",
                null,
                Phase.Progressing,
                true),
            new Case(
                "change back to the old version mid-rollout drops the half-made one once ready",
                new RolloutInputs("1", 2, false, "1", observed(obs("1", 2, 2), obs("2", 2, 0))),
                List.of(spec("1", 2)),
                "1",
                null,
                Phase.Healthy,
                true),
            new Case(
                "status lost: unknown old versions kept until the target is ready",
                new RolloutInputs("2", 1, false, null, observed(obs("1", 1, 1))),
                List.of(spec("2", 1), kept("1", 1)),
                null,
                null,
                Phase.Progressing,
                true),
            new Case(
                "autoscaled first create: the HPA owns the count",
                new RolloutInputs("1", 2, true, null, Map.of()),
                List.of(spec("1", null)),
                null,
                "1",
                Phase.Pending,
                true),
            new Case(
                "autoscaled steady state",
                new RolloutInputs("1", 2, true, "1", observed(obs("1", 5, 5))),
                List.of(spec("1", null)),
                "1",
                "1",
                Phase.Healthy,
                false),
            new Case(
                "autoscaled version change: new matches the old size, HPA stays on the old",
                new RolloutInputs("2", 2, true, "1", observed(obs("1", 5, 5))),
                List.of(spec("2", 5), kept("1", 5)),
                "1",
                "1",
                Phase.Progressing,
                true),
            new Case(
                "autoscaled handover done: HPA moves to the new version",
                new RolloutInputs("2", 2, true, "1", observed(obs("1", 5, 5), obs("2", 5, 5))),
                List.of(spec("2", null)),
                "2",
                "2",
                Phase.Healthy,
                true),
            new Case(
                "scaled to zero is healthy with no pods",
                new RolloutInputs("1", 0, false, "1", observed(obs("1", 0, 0))),
                List.of(spec("1", 0)),
                "1",
                null,
                Phase.Healthy,
                false))
        .map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void plans(Case c) {
    RolloutPlan plan = RolloutPlanner.forSpec(null).plan(c.in());
    assertThat(plan.targets()).as("targets").containsExactlyElementsOf(c.targets());
    assertThat(plan.stableVersion()).as("stable").isEqualTo(c.stable());
    assertThat(plan.autoscaledVersion()).as("autoscaled").isEqualTo(c.autoscaled());
    assertThat(plan.phase()).as("phase").isEqualTo(c.phase());
    assertThat(plan.progressing()).as("progressing").isEqualTo(c.progressing());
    assertThat(plan.message()).isNotBlank();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void isAPureFunction(Case c) {
    var planner = new RollingUpdatePlanner();
    assertThat(planner.plan(c.in())).usingRecursiveComparison().isEqualTo(planner.plan(c.in()));
  }
}
