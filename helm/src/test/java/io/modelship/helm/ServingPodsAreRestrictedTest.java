package io.modelship.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.modelship.api.v1alpha1.ModelDeployment;
import io.modelship.api.v1alpha1.spec.ModelDeploymentSpec;
import io.modelship.api.v1alpha1.spec.ModelSpec;
import io.modelship.api.v1alpha1.status.Phase;
import io.modelship.operator.dependent.ServingDeployments;
import io.modelship.operator.dependent.ServingPlan;
import io.modelship.operator.rollout.plan.RolloutPlan;
import io.modelship.operator.rollout.plan.VersionTarget;
import io.modelship.operator.settings.OperatorSettings;
import io.modelship.operator.validation.ModelLocation;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The serving pods the operator writes pass the same restricted check as the chart's own pod: a
 * namespace labelled {@code pod-security.kubernetes.io/enforce: restricted} admits them.
 */
class ServingPodsAreRestrictedTest {

  @ParameterizedTest
  @ValueSource(
      strings = {"https://models.example.com/iris/1.0.0.tar.gz", "pvc://models/iris/1.0.0.tar.gz"})
  void theOperatorsServingPodsAreRestricted(String uri) {
    var model = new ModelSpec();
    model.setName("iris");
    model.setVersion("1.0.0");
    model.setUri(uri);
    var spec = new ModelDeploymentSpec();
    spec.setModel(model);
    var md = new ModelDeployment();
    md.setMetadata(
        new ObjectMetaBuilder().withName("iris").withNamespace("ml").withUid("0000").build());
    md.setSpec(spec);
    var location = ((ModelLocation.Result.Valid) ModelLocation.parse(uri)).location();
    var rollout =
        RolloutPlan.rollingUpdate(
            List.of(new VersionTarget("1.0.0", 2, true)),
            "1.0.0",
            null,
            Phase.Healthy,
            false,
            "ok");
    var plan =
        new ServingPlan(
            OperatorSettings.defaults().withImagePullSecrets(List.of("registry")),
            rollout,
            location);

    var deployment = ServingDeployments.desired(md, "1.0.0", 2, plan);

    assertThat(RestrictedPodSecurity.violations(deployment.getSpec().getTemplate().getSpec()))
        .isEmpty();
    assertThat(Chart.unknownFields(deployment)).isEmpty();
    assertThat(location.claim().isPresent()).isEqualTo(uri.startsWith("pvc://"));
  }
}
