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
    var md =
        Serialization.unmarshal(
            Files.readString(Path.of("../examples/iris-modeldeployment.yaml")),
            ModelDeployment.class);
    assertThat(md.getMetadata().getName()).isEqualTo("iris");
    assertThat(md.getSpec().getModel().getVersion()).isEqualTo("1.0.0");
    assertThat(md.getSpec().getRollout().getStrategy()).isEqualTo(RolloutStrategy.RollingUpdate);
    assertThat(md.getSpec().getAutoscaling().getMinReplicas())
        .isLessThanOrEqualTo(md.getSpec().getAutoscaling().getMaxReplicas());
    assertThat(ModelLocation.parse(md.getSpec().getModel().getUri()))
        .isInstanceOf(ModelLocation.Result.Valid.class);
  }

  @Test
  void canaryAndBlueGreenExamplesPassTheOperatorsOwnChecks() throws Exception {
    for (String file : java.util.List.of("iris-canary.yaml", "iris-bluegreen.yaml")) {
      var md =
          Serialization.unmarshal(
              Files.readString(Path.of("../examples/" + file)), ModelDeployment.class);
      assertThat(md.getSpec().getRollout().getStrategy())
          .isNotEqualTo(RolloutStrategy.RollingUpdate);
      assertThat(
              io.modelship.operator.validation.RolloutValidation.problem(md.getSpec().getRollout()))
          .as(file)
          .isEmpty();
      assertThat(
              io.modelship.operator.rollout.plan.RolloutPlanner.forSpec(md.getSpec().getRollout()))
          .as(file + " gets its strategy's planner")
          .isInstanceOf(
              md.getSpec().getRollout().getStrategy() == RolloutStrategy.Canary
                  ? io.modelship.operator.rollout.plan.CanaryPlanner.class
                  : io.modelship.operator.rollout.plan.BlueGreenPlanner.class);
    }
  }

  static java.util.List<String> documents(String file) throws Exception {
    return java.util.Arrays.stream(
            Files.readString(Path.of("../examples/" + file)).split("(?m)^---$"))
        .filter(d -> d.contains("kind:"))
        .toList();
  }

  @Test
  void theUserRouteExampleOptsInForTheModelDeploymentThatNamesIt() throws Exception {
    var docs = documents("iris-canary-user-route.yaml");
    var route =
        Serialization.unmarshal(
            docs.get(0), io.fabric8.kubernetes.api.model.GenericKubernetesResource.class);
    var md = Serialization.unmarshal(docs.get(1), ModelDeployment.class);
    assertThat(io.modelship.operator.rollout.traffic.GatewayApiRoute.routeName(md))
        .contains(route.getMetadata().getName());
    assertThat(
            io.modelship.operator.rollout.traffic.GatewayApiRoute.problem(
                md,
                java.util.Optional.of(
                    new io.modelship.operator.rollout.traffic.GatewayApiRoute.Observed(
                        route, false))))
        .isEmpty();
    assertThat(
            io.modelship.operator.validation.RolloutValidation.problem(md.getSpec().getRollout()))
        .isEmpty();
  }

  @Test
  void theUriFromExampleKeepsTheUriInTheSecret() throws Exception {
    var docs = documents("iris-model-uri-secret.yaml");
    var secret = Serialization.unmarshal(docs.get(0), io.fabric8.kubernetes.api.model.Secret.class);
    var md = Serialization.unmarshal(docs.get(1), ModelDeployment.class);
    var ref = md.getSpec().getModel().getUriFrom().getSecretKeyRef();
    assertThat(secret.getMetadata().getName()).isEqualTo(ref.getName());
    assertThat(secret.getStringData()).containsKey(ref.getKey());
    assertThat(md.getSpec().getModel().getUri()).isNull();
    assertThat(ModelLocation.of(md.getSpec().getModel()))
        .isInstanceOf(ModelLocation.Result.Valid.class);
    assertThat(
            io.modelship.operator.validation.ModelIntegrity.problem(md.getSpec().getModel(), true))
        .isEmpty();
  }
}
