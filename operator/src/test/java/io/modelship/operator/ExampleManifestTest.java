package io.modelship.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.modelship.api.v1alpha1.ModelDeployment;
import io.modelship.api.v1alpha1.spec.RolloutStrategy;
import io.modelship.operator.validation.ModelLocation;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The example a new user applies first must at least read as a valid ModelDeployment. */
class ExampleManifestTest {

  @Test
  void irisExampleParsesAndValidates() throws Exception {
    var md = Serialization.unmarshal(Files.readString(Path.of("../examples/iris-modeldeployment.yaml")), ModelDeployment.class);
    assertThat(md.getMetadata().getName()).isEqualTo("iris");
    assertThat(md.getSpec().getModel().getVersion()).isEqualTo("1.0.0");
    assertThat(md.getSpec().getRollout().getStrategy()).isEqualTo(RolloutStrategy.RollingUpdate);
    assertThat(md.getSpec().getAutoscaling().getMinReplicas()).isLessThanOrEqualTo(md.getSpec().getAutoscaling().getMaxReplicas());
    assertThat(ModelLocation.parse(md.getSpec().getModel().getUri())).isInstanceOf(ModelLocation.Result.Valid.class);
  }

  @Test
  void canaryAndBlueGreenExamplesPassTheOperatorsOwnChecks() throws Exception {
    for (String file : java.util.List.of("iris-canary.yaml", "iris-bluegreen.yaml")) {
      var md = Serialization.unmarshal(Files.readString(Path.of("../examples/" + file)), ModelDeployment.class);
      assertThat(md.getSpec().getRollout().getStrategy()).isNotEqualTo(RolloutStrategy.RollingUpdate);
      assertThat(io.modelship.operator.validation.RolloutValidation.problem(md.getSpec().getRollout())).as(file).isEmpty();
      assertThat(io.modelship.operator.rollout.RolloutPlanner.forSpec(md.getSpec().getRollout()))
          .as(file + " gets its strategy's planner")
          .isInstanceOf(md.getSpec().getRollout().getStrategy() == RolloutStrategy.Canary
              ? io.modelship.operator.rollout.CanaryPlanner.class : io.modelship.operator.rollout.BlueGreenPlanner.class);
    }
  }
}
